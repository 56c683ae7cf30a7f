package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.Head;
import dev.gpumem.model.Architecture.Quantization;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.TensorSpec;
import dev.gpumem.model.hf.FamilyCatalog.Family;
import dev.gpumem.units.DType;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import dev.gpumem.names.ClosestNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns a model reference into an inventory. A reference is, in this order (docs/models.md):
 * <ol>
 *   <li>a preset name, case ignored ({@code llama-3.1-8b}, {@code Llama-3.1-8B});</li>
 *   <li>a local path: a config.json, or a model folder (config.json + *.safetensors headers);</li>
 *   <li>a Hugging Face Hub id {@code ORG/NAME[@REVISION]} cached locally ({@link HfCache}): the snapshot folder
 *       is read like a local model folder, without the network;</li>
 *   <li>a Hub id that is a preset's alias ({@code meta-llama/Llama-2-7b-hf} → {@code llama-2-7b}).</li>
 * </ol>
 * A bare name that is no preset and no local path is looked up in the cache as a legacy Hub id without an owner
 * ({@code distilgpt2} in {@code models--distilgpt2}) before it is refused.
 * Whenever the choice was not plain (a Hub id read from the cache or taken as a preset's alias, a local path that
 * also reads as a Hub id), the inventory's warnings say which was used, and they become the estimate's first notes.
 * The config, with {@code model_overrides} applied, gives the {@link Architecture}; the tensors come from the family
 * mapper, or from the safetensors headers for a folder that has them. Reuse one loader for a batch: it parses each
 * preset once. It is safe to share between threads.
 */
public final class ModelLoader {
    private final JsonConfigReader json = new JsonConfigReader();
    private final PresetCatalog presets = new PresetCatalog(json);
    private final FamilyCatalog families = new FamilyCatalog();
    private final PresetInventoryCache presetInventories = new PresetInventoryCache();
    private final HfCache hfCache;

    /** A loader that finds the Hugging Face cache through this process's environment. */
    public ModelLoader() {
        this(HfCache.locate(System.getenv(), Path.of(System.getProperty("user.home"))));
    }

    /** @param hfCache where Hub ids are looked up (tests point it at a folder of their own) */
    public ModelLoader(HfCache hfCache) {
        this.hfCache = hfCache;
    }

    /**
     * @param ref       preset name, config.json path, model folder, or Hugging Face Hub id
     * @param overrides HF config keys to override before reading (values as parsed from JSON); may be null
     * @throws IllegalArgumentException one sentence naming the field / file and the accepted values
     */
    public Inventory load(String ref, Map<String, Object> overrides) {
        if (ref == null || ref.isBlank()) {
            throw new IllegalArgumentException("field 'model' is empty; accepted: " + accepted());
        }
        var preset = presets.byName(ref);
        if (preset.isPresent()) {
            return preset(preset.get(), overrides, List.of());
        }
        Optional<HubId> hub = HubId.parse(ref);
        Path path = pathOrNull(ref);
        if (path != null && Files.exists(path)) {
            List<String> notes = new ArrayList<>();
            hub.ifPresent(h -> notes.add("model " + ref + ": the local " + (Files.isDirectory(path) ? "folder" : "file")
                    + " is read (a local path comes before the Hugging Face cache and the presets' Hub aliases)"));
            return local(path, overrides, notes);
        }
        if (hub.isPresent()) {
            return hub(hub.get(), overrides);
        }
        Optional<HubId> legacy = HubId.parseLegacy(ref);
        if (legacy.isPresent()) {
            Optional<Inventory> cached = cached(legacy.get(), overrides);
            if (cached.isPresent()) {
                return cached.get();
            }
        }
        var alias = presets.byAlias(ref);
        if (alias.isPresent()) {
            return preset(alias.get(), overrides, List.of("model " + ref + " is the shipped preset " + alias.get()
                    + " (its alias)"));
        }
        if (ref.contains("/") || ref.contains("\\") || ref.endsWith(".json")) {
            throw new IllegalArgumentException("model file " + ref + " does not exist; give a preset name, a"
                    + " config.json path, a model folder or a Hugging Face id ORG/NAME");
        }
        throw new IllegalArgumentException("unknown model '" + ref + "'" + suggestion(ref) + "; accepted: "
                + accepted());
    }

    /** @return the shipped preset names, sorted */
    public List<String> presets() {
        return presets.names().stream().sorted().toList();
    }

    /** @return the Hugging Face Hub ids that name preset {@code name} when they are not cached (may be empty) */
    public List<String> aliases(String name) {
        return presets.aliasesOf(name);
    }

    /** @return where this loader looks Hub ids up */
    public HfCache hfCache() {
        return hfCache;
    }

    private Inventory preset(String name, Map<String, Object> overrides, List<String> notes) {
        Inventory inv = presetInventories.get(name, overrides, () ->
                build("preset " + name, new HfConfig("preset " + name, presets.config(name)), overrides, List.of(),
                        List.of()));
        return notes.isEmpty() ? inv : withNotes(inv, notes);
    }

    private Inventory local(Path path, Map<String, Object> overrides, List<String> notes) {
        if (Files.isDirectory(path)) {
            Path config = path.resolve("config.json");
            if (!Files.isRegularFile(config)) {
                throw new IllegalArgumentException("model folder " + path + " has no config.json; a model folder needs"
                        + " config.json (and optionally *.safetensors)");
            }
            List<String> warnings = new ArrayList<>(notes);
            List<Path> shards = SafetensorsInventory.checkpoint(path, json, warnings);
            return build(path.toString(), read(config), overrides, shards, warnings);
        }
        return build(path.toString(), read(path), overrides, List.of(), notes);
    }

    /** @return the model read from its cached snapshot, or empty when the cache does not hold it */
    private Optional<Inventory> cached(HubId id, Map<String, Object> overrides) {
        Optional<HfCache.Snapshot> snapshot = hfCache.snapshot(id);
        if (snapshot.isEmpty()) {
            return Optional.empty();
        }
        Path folder = snapshot.get().folder();
        if (!Files.isRegularFile(folder.resolve("config.json"))) {
            throw new IllegalArgumentException("model " + id + ": the Hugging Face cache snapshot " + folder
                    + " has no config.json; download it with " + download(id));
        }
        String note = "model " + id + " is read from the Hugging Face cache (" + hfCache.origin() + "): "
                + folder + " (" + snapshot.get().how() + ")";
        return Optional.of(local(folder, overrides, List.of(note)));
    }

    private Inventory hub(HubId id, Map<String, Object> overrides) {
        Optional<Inventory> cached = cached(id, overrides);
        if (cached.isPresent()) {
            return cached.get();
        }
        var alias = presets.byAlias(id.repoId());
        if (alias.isPresent()) {
            return preset(alias.get(), overrides, List.of("model " + id + " is not in the Hugging Face cache ("
                    + hfCache.repoFolder(id) + "); the shipped preset " + alias.get() + ", its alias, is used"
                    + (id.revision() == null ? "" : " (the preset has no revisions: @" + id.revision() + " ignored)")));
        }
        throw new IllegalArgumentException("model " + id + " is not a local path, not in the Hugging Face cache"
                + " (no " + hfCache.repoFolder(id).resolve("snapshots") + ", the cache " + hfCache.origin() + " names)"
                + " and no preset's alias" + suggestion(id.name()) + "; download its config with "
                + download(id) + " and the *.safetensors files for exact tensors, or give a preset (gpumem models)");
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
        return "a preset (" + String.join(", ", presets()) + "), a path to a config.json, a model folder, or a"
                + " Hugging Face id ORG/NAME in the local Hugging Face cache";
    }

    private static Inventory withNotes(Inventory inv, List<String> notes) {
        List<String> warnings = new ArrayList<>(notes);
        warnings.addAll(inv.warnings());
        return new Inventory(inv.source(), inv.architecture(), inv.tensors(), warnings);
    }

    private HfConfig read(Path file) {
        return new HfConfig(file.toString(), json.read(file));
    }

    private static Path pathOrNull(String ref) {
        try {
            return Path.of(ref);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private Inventory build(String source, HfConfig raw, Map<String, Object> overrides, List<Path> shards,
                            List<String> notes) {
        HfConfig config = raw.withOverrides(overrides);
        try {
            Inventory inv = assemble(source, config, shards);
            return notes.isEmpty() ? inv : withNotes(inv, notes);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(config.origin() + ": the sizes overflow a 64-bit element count;"
                    + " check hidden_size, intermediate_size, vocab_size and the layer counts", e);
        } catch (IllegalArgumentException e) {
            String m = String.valueOf(e.getMessage());
            if (m.startsWith(config.origin()) || m.startsWith("safetensors file") || m.startsWith("model ")) {
                throw e;
            }
            throw new IllegalArgumentException(config.origin() + ": " + m, e);
        }
    }

    private Inventory assemble(String source, HfConfig config, List<Path> shards) {
        List<String> warnings = new ArrayList<>();
        Family family = family(config);
        Head head = new HeadResolver().resolve(config, family.defaultHead());
        DType dtype = checkpointDtype(config);
        Quantization quant = new QuantizationConfigReader().read(config, dtype);
        MappedModel mapped = family.mapper().map(config, new MapperContext(head, quant, dtype));
        warnings.addAll(mapped.warnings());
        List<TensorSpec> tensors;
        if (shards.isEmpty()) {
            tensors = new WeightQuantizer().apply(mapped.tensors(), quant, skipModules(config));
        } else {
            tensors = new SafetensorsInventory().read(shards, mapped.architecture().numEncoderLayers(), warnings);
        }
        Inventory inventory = new Inventory(source, mapped.architecture(), tensors, warnings);
        inventory.parameterCount();
        return inventory;
    }

    private Family family(HfConfig config) {
        String type = config.string("model_type");
        if (type != null) {
            var known = families.find(type);
            if (known.isPresent()) {
                return known.get();
            }
        }
        List<String> missing = FamilyCatalog.GENERIC_KEYS.stream().filter(k -> !config.has(k)).toList();
        if (missing.isEmpty()) {
            return families.generic();
        }
        throw new IllegalArgumentException(config.origin() + ": field 'model_type' "
                + (type == null ? "is missing" : "value '" + type + "' is not supported")
                + " and the config lacks " + String.join(", ", missing) + " to read it as a generic decoder; accepted"
                + " model_type: " + String.join(", ", FamilyCatalog.MODEL_TYPES));
    }

    /** transformers loads a checkpoint without torch_dtype as float32 (PretrainedConfig default). */
    private static DType checkpointDtype(HfConfig config) {
        String key = config.firstPresent("torch_dtype", "dtype");
        if (key == null || config.string(key).equals("auto")) {
            return DType.FP32;
        }
        try {
            DType d = DType.parse(config.string(key));
            if (d != DType.FP32 && d != DType.FP16 && d != DType.BF16 && d != DType.FP64) {
                throw new IllegalArgumentException("not a floating checkpoint dtype");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(config.origin() + ": field '" + key + "' value '" + config.string(key)
                    + "' is not supported; accepted: float32, float16, bfloat16, float64", e);
        }
    }

    private static List<String> skipModules(HfConfig config) {
        HfConfig q = config.nested("quantization_config");
        if (q == null) {
            return List.of();
        }
        List<String> skip = new ArrayList<>(q.strings("llm_int8_skip_modules"));
        skip.addAll(q.strings("modules_to_not_convert"));
        return skip;
    }
}
