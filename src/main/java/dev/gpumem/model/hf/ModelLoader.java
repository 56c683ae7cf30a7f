package dev.gpumem.model.hf;

import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.Head;
import dev.gpumem.model.Architecture.Quantization;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.TensorSpec;
import dev.gpumem.model.hf.FamilyCatalog.Family;
import dev.gpumem.units.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a model reference into an inventory: {@link ModelResolver} decides what the reference names (a preset, a
 * local config.json or folder, a Hugging Face id from the local cache or a preset's alias; docs/models.md), and
 * its notes lead the inventory's warnings, which become the estimate's first notes. The config, with
 * {@code model_overrides} applied, gives the {@link Architecture}; the tensors come from the family mapper, or from
 * the safetensors headers for a folder that has them. Reuse one loader for a batch: it parses each preset once. It
 * is safe to share between threads.
 */
public final class ModelLoader {
    private final JsonConfigReader json = new JsonConfigReader();
    private final PresetCatalog presets = new PresetCatalog(json);
    private final FamilyCatalog families = new FamilyCatalog();
    private final PresetInventoryCache presetInventories = new PresetInventoryCache();
    private final ModelResolver resolver;

    /** A loader that finds the Hugging Face cache through this process's environment. */
    public ModelLoader() {
        this(HfCache.locate(System.getenv(), Path.of(System.getProperty("user.home"))));
    }

    /** @param hfCache where Hub ids are looked up (tests point it at a folder of their own) */
    public ModelLoader(HfCache hfCache) {
        this.resolver = new ModelResolver(presets, hfCache);
    }

    /**
     * @param ref       preset name, config.json path, model folder, or Hugging Face Hub id
     * @param overrides HF config keys to override before reading (values as parsed from JSON); may be null
     * @throws BadInputException one sentence naming the field / file and the accepted values
     */
    public Inventory load(String ref, Map<String, Object> overrides) {
        ModelSource source = resolver.resolve(ref);
        if (source instanceof ModelSource.Preset p) {
            return preset(p.name(), overrides, p.notes());
        }
        ModelSource.Local local = (ModelSource.Local) source;
        return local(local.path(), overrides, local.notes());
    }

    /** @return the shipped preset names, sorted */
    public List<String> presets() {
        return presets.names().stream().sorted().toList();
    }

    /** @return the Hugging Face Hub ids that name preset {@code name} when they are not cached (may be empty) */
    public List<String> aliases(String name) {
        return presets.aliasesOf(name);
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
                throw new BadInputException("model folder " + path + " has no config.json; a model folder needs"
                        + " config.json (and optionally *.safetensors)");
            }
            List<String> warnings = new ArrayList<>(notes);
            List<Path> shards = SafetensorsInventory.checkpoint(path, json, warnings);
            return build(path.toString(), read(config), overrides, shards, warnings);
        }
        return build(path.toString(), read(path), overrides, List.of(), notes);
    }

    private static Inventory withNotes(Inventory inv, List<String> notes) {
        List<String> warnings = new ArrayList<>(notes);
        warnings.addAll(inv.warnings());
        return new Inventory(inv.source(), inv.architecture(), inv.tensors(), warnings);
    }

    private HfConfig read(Path file) {
        return new HfConfig(file.toString(), json.read(file));
    }

    private Inventory build(String source, HfConfig raw, Map<String, Object> overrides, List<Path> shards,
                            List<String> notes) {
        HfConfig config = raw.withOverrides(overrides);
        try {
            Inventory inv = assemble(source, config, shards);
            return notes.isEmpty() ? inv : withNotes(inv, notes);
        } catch (ArithmeticException e) {
            throw new BadInputException(config.origin() + ": the sizes overflow a 64-bit element count;"
                    + " check hidden_size, intermediate_size, vocab_size and the layer counts", e);
        } catch (BadInputException e) {
            String m = String.valueOf(e.getMessage());
            if (m.startsWith(config.origin()) || m.startsWith("safetensors file") || m.startsWith("model ")) {
                throw e;
            }
            throw new BadInputException(config.origin() + ": " + m, e);
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
        throw new BadInputException(config.origin() + ": field 'model_type' "
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
                throw new BadInputException("not a floating checkpoint dtype");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new BadInputException(config.origin() + ": field '" + key + "' value '" + config.string(key)
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
