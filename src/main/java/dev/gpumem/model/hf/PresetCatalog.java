package dev.gpumem.model.hf;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The shipped presets: HF config.json files under {@code /dev/gpumem/presets/<name>.json} on the classpath, listed
 * in {@code /dev/gpumem/presets/index.txt}, one a line as {@code name: alias, alias} ({@code #} comments; the
 * aliases, optional, are the Hugging Face Hub ids whose config the preset is); no classpath scanning. Names and
 * aliases are matched ignoring case.
 * Each catalog reads the index and each preset once and keeps them (read-only data, per instance), so that a batch
 * of requests does not parse the same resource again.
 */
final class PresetCatalog {
    static final String ROOT = "/dev/gpumem/presets/";

    private final JsonConfigReader reader;
    private final Map<String, Map<String, Object>> configs = new ConcurrentHashMap<>();
    private volatile Index index;

    /**
     * The index: preset names in file order, every alias (lower case) to its preset name, and each preset's
     * aliases as written.
     */
    private record Index(List<String> names, Map<String, String> aliases, Map<String, List<String>> written) {
    }

    PresetCatalog(JsonConfigReader reader) {
        this.reader = reader;
    }

    /** @return the preset names in index order (the index is kept sorted) */
    List<String> names() {
        return index().names();
    }

    /** @return the preset of that name, case ignored ({@code Llama-3.1-8B} is {@code llama-3.1-8b}) */
    Optional<String> byName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return names().stream().filter(n -> n.equals(lower)).findFirst();
    }

    /** @return the preset that has {@code hubId} (e.g. {@code meta-llama/Llama-2-7b-hf}) as an alias, case ignored */
    Optional<String> byAlias(String hubId) {
        return Optional.ofNullable(index().aliases().get(hubId.toLowerCase(Locale.ROOT)));
    }

    /** @return every alias (as written in the index) with its preset name, in index order */
    Map<String, String> aliases() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : names()) {
            aliasesOf(name).forEach(a -> out.put(a, name));
        }
        return out;
    }

    /** @return the aliases of preset {@code name}, as written in the index */
    List<String> aliasesOf(String name) {
        return index().written().getOrDefault(name, List.of());
    }

    /** @return the preset's config.json (an unmodifiable map; callers copy it before changing anything) */
    Map<String, Object> config(String name) {
        return configs.computeIfAbsent(name, this::readConfig);
    }

    private Index index() {
        Index i = index;
        if (i == null) {
            i = readIndex();
            index = i;
        }
        return i;
    }

    private List<String> lines() {
        try (InputStream in = open("index.txt");
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return r.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("preset index " + ROOT + "index.txt cannot be read", e);
        }
    }

    private Index readIndex() {
        List<String> names = new ArrayList<>();
        Map<String, String> aliases = new LinkedHashMap<>();
        Map<String, List<String>> written = new LinkedHashMap<>();
        for (String line : lines()) {
            int colon = line.indexOf(':');
            String name = (colon < 0 ? line : line.substring(0, colon)).strip();
            names.add(name);
            List<String> list = new ArrayList<>();
            if (colon >= 0) {
                for (String a : line.substring(colon + 1).split(",")) {
                    String alias = a.strip();
                    if (alias.isEmpty()) {
                        continue;
                    }
                    String before = aliases.put(alias.toLowerCase(Locale.ROOT), name);
                    if (before != null) {
                        throw new IllegalStateException("preset index: alias " + alias + " is listed for both "
                                + before + " and " + name);
                    }
                    list.add(alias);
                }
            }
            written.put(name, List.copyOf(list));
        }
        return new Index(List.copyOf(names), Map.copyOf(aliases), Map.copyOf(written));
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
