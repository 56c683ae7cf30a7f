package dev.gpumem.model.hf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The shipped presets: HF config.json files under {@code /dev/gpumem/presets/<name>.json} on the classpath, listed
 * (one name per line, {@code #} comments) in {@code /dev/gpumem/presets/index.txt}; no classpath scanning.
 */
final class PresetCatalog {
    static final String ROOT = "/dev/gpumem/presets/";

    /** @return the preset names in index order (the index is kept sorted) */
    List<String> names() {
        try (InputStream in = open("index.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("preset index " + ROOT + "index.txt cannot be read", e);
        }
    }

    boolean contains(String name) {
        return names().contains(name);
    }

    /** @return the preset's config.json */
    Map<String, Object> config(String name) {
        try (InputStream in = open(name + ".json")) {
            return new JsonConfigReader().read(in, "preset " + name);
        } catch (IOException e) {
            throw new UncheckedIOException("preset " + name + " cannot be read", e);
        }
    }

    private static InputStream open(String file) {
        InputStream in = PresetCatalog.class.getResourceAsStream(ROOT + file);
        if (in == null) {
            throw new IllegalStateException("resource " + ROOT + file + " is missing from the build");
        }
        return in;
    }
}
