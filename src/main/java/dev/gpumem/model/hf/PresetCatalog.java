package dev.gpumem.model.hf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shipped presets: HF config.json files under {@code /dev/gpumem/presets/<name>.json} on the classpath, listed
 * (one name per line, {@code #} comments) in {@code /dev/gpumem/presets/index.txt}; no classpath scanning.
 * Each catalog reads the index and each preset once and keeps them (read-only data, per instance), so that a batch
 * of requests does not parse the same resource again.
 */
final class PresetCatalog {
    static final String ROOT = "/dev/gpumem/presets/";

    private final JsonConfigReader reader;
    private final Map<String, Map<String, Object>> configs = new ConcurrentHashMap<>();
    private volatile List<String> names;

    PresetCatalog(JsonConfigReader reader) {
        this.reader = reader;
    }

    /** @return the preset names in index order (the index is kept sorted) */
    List<String> names() {
        List<String> n = names;
        if (n == null) {
            n = readIndex();
            names = n;
        }
        return n;
    }

    boolean contains(String name) {
        return names().contains(name);
    }

    /** @return the preset's config.json (an unmodifiable map; callers copy it before changing anything) */
    Map<String, Object> config(String name) {
        return configs.computeIfAbsent(name, this::readConfig);
    }

    private List<String> readIndex() {
        try (InputStream in = open("index.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("preset index " + ROOT + "index.txt cannot be read", e);
        }
    }

    private Map<String, Object> readConfig(String name) {
        try (InputStream in = open(name + ".json")) {
            return java.util.Collections.unmodifiableMap(reader.read(in, "preset " + name));
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
