package dev.gpumem.model.hf;

import dev.gpumem.input.BadInputException;
import dev.gpumem.names.ClosestNames;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides what a model reference names (docs/models.md), in this order:
 * <ol>
 *   <li>a preset name, case ignored ({@code llama-3.1-8b}, {@code Llama-3.1-8B});</li>
 *   <li>a local path: a config.json, or a model folder;</li>
 *   <li>a Hugging Face Hub id {@code ORG/NAME[@REVISION]} in the local cache ({@link HfCache}): its snapshot
 *       folder, read like a local one, without the network;</li>
 *   <li>a Hub id that is a preset's alias ({@code meta-llama/Llama-2-7b-hf} → {@code llama-2-7b}).</li>
 * </ol>
 * A bare name that is no preset and no local path is looked up in the cache as a legacy Hub id without an owner
 * ({@code distilgpt2} in {@code models--distilgpt2}) before the aliases. Whenever the choice was not plain (a Hub
 * id read from the cache or taken as an alias, a local path that also reads as a Hub id), the source's notes say
 * which was used. Reads the file system only to test for paths and cache entries.
 */
final class ModelResolver {
    private final PresetCatalog presets;
    private final HfCache cache;

    ModelResolver(PresetCatalog presets, HfCache cache) {
        this.presets = presets;
        this.cache = cache;
    }

    /**
     * @throws IllegalArgumentException one sentence: an empty or unknown reference (with the closest preset), a Hub
     *                                  id not cached and no alias (where it looked, how to download it), or a cache
     *                                  entry that cannot be read
     */
    ModelSource resolve(String ref) {
        if (ref == null || ref.isBlank()) {
            throw new BadInputException("field 'model' is empty; accepted: " + accepted());
        }
        Optional<String> preset = presets.byName(ref);
        if (preset.isPresent()) {
            return new ModelSource.Preset(preset.get(), List.of());
        }
        Optional<HubId> hub = HubId.parse(ref);
        Path path = pathOrNull(ref);
        if (path != null && Files.exists(path)) {
            return new ModelSource.Local(path, hub.isEmpty() ? List.of() : List.of("model " + ref + ": the local "
                    + (Files.isDirectory(path) ? "folder" : "file") + " is read (a local path comes before the"
                    + " Hugging Face cache and the presets' Hub aliases)"));
        }
        if (hub.isPresent()) {
            return hub(hub.get());
        }
        Optional<ModelSource> legacy = HubId.parseLegacy(ref).flatMap(this::cached);
        if (legacy.isPresent()) {
            return legacy.get();
        }
        Optional<String> alias = presets.byAlias(ref);
        if (alias.isPresent()) {
            return new ModelSource.Preset(alias.get(), List.of("model " + ref + " is the shipped preset "
                    + alias.get() + " (its alias)"));
        }
        if (ref.contains("/") || ref.contains("\\") || ref.endsWith(".json")) {
            throw new BadInputException("model file " + ref + " does not exist; give a preset name, a"
                    + " config.json path, a model folder or a Hugging Face id ORG/NAME");
        }
        throw new BadInputException("unknown model '" + ref + "'" + suggestion(ref) + "; accepted: "
                + accepted());
    }

    private ModelSource hub(HubId id) {
        Optional<ModelSource> cached = cached(id);
        if (cached.isPresent()) {
            return cached.get();
        }
        Optional<String> alias = presets.byAlias(id.repoId());
        if (alias.isPresent()) {
            return new ModelSource.Preset(alias.get(), List.of("model " + id + " is not in the Hugging Face cache ("
                    + cache.repoFolder(id) + "); the shipped preset " + alias.get() + ", its alias, is used"
                    + (id.revision() == null ? "" : " (the preset has no revisions: @" + id.revision() + " ignored)")));
        }
        throw new BadInputException("model " + id + " is not a local path, not in the Hugging Face cache"
                + " (no " + cache.repoFolder(id).resolve("snapshots") + "; cache folder from " + cache.origin() + ")"
                + " and no preset's alias" + suggestion(id.name()) + "; download its config with " + download(id)
                + " and the *.safetensors files for exact tensors, or give a preset (gpumem models)");
    }

    /** @return the cached snapshot of {@code id} as a local folder, or empty when the cache does not hold it */
    private Optional<ModelSource> cached(HubId id) {
        Optional<HfCache.Snapshot> snapshot = cache.snapshot(id);
        if (snapshot.isEmpty()) {
            return Optional.empty();
        }
        Path folder = snapshot.get().folder();
        if (!Files.isRegularFile(folder.resolve("config.json"))) {
            throw new BadInputException("model " + id + ": the Hugging Face cache snapshot " + folder
                    + " has no config.json; download it with " + download(id));
        }
        return Optional.of(new ModelSource.Local(folder, List.of("model " + id + " is read from the Hugging Face"
                + " cache (" + cache.origin() + "): " + folder + " (" + snapshot.get().how() + ")")));
    }

    private static String download(HubId id) {
        String rev = id.revision() == null ? "" : " --revision " + id.revision();
        return "`huggingface-cli download " + id.repoId() + " config.json" + rev + "` (or `hf download " + id.repoId()
                + " config.json" + rev + "`)";
    }

    /** @return "; did you mean llama-3.1-8b?" when a preset name or alias is a few edits from {@code typed} */
    private String suggestion(String typed) {
        Map<String, String> keys = new LinkedHashMap<>();
        presets.names().forEach(n -> keys.put(n, n));
        presets.aliases().forEach((alias, name) -> {
            keys.putIfAbsent(alias, name);
            keys.putIfAbsent(alias.substring(alias.indexOf('/') + 1), name);
        });
        List<String> near = ClosestNames.nearest(typed, keys.keySet()).stream().map(keys::get).distinct().toList();
        return near.isEmpty() ? "" : "; did you mean " + ClosestNames.orList(near) + "?";
    }

    private String accepted() {
        return "a preset (" + String.join(", ", presets.names().stream().sorted().toList()) + "), a path to a"
                + " config.json, a model folder, or a Hugging Face id ORG/NAME in the local Hugging Face cache";
    }

    private static Path pathOrNull(String ref) {
        try {
            return Path.of(ref);
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
