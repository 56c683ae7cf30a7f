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
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a model reference into an inventory: a preset name, a path to a config.json, or a model folder
 * (config.json + *.safetensors headers). The config, with {@code model_overrides} applied, gives the
 * {@link Architecture}; the tensors come from the family mapper, or from the safetensors headers for a folder that
 * has shards. Reuse one loader for a batch: it parses each preset once. It is safe to share between threads.
 */
public final class ModelLoader {
    private final JsonConfigReader json = new JsonConfigReader();
    private final PresetCatalog presets = new PresetCatalog(json);
    private final FamilyCatalog families = new FamilyCatalog();
    private final PresetInventoryCache presetInventories = new PresetInventoryCache();

    /**
     * @param ref       preset name, config.json path, or folder
     * @param overrides HF config keys to override before reading (values as parsed from JSON); may be null
     * @throws BadInputException one sentence naming the field / file and the accepted values
     */
    public Inventory load(String ref, Map<String, Object> overrides) {
        if (ref == null || ref.isBlank()) {
            throw new BadInputException("field 'model' is empty; accepted: a preset (" + String.join(", ",
                    presets()) + "), a path to a config.json, or a model folder");
        }
        if (presets.contains(ref)) {
            return presetInventories.get(ref, overrides, () ->
                    build("preset " + ref, new HfConfig("preset " + ref, presets.config(ref)), overrides, List.of()));
        }
        Path path = pathOrNull(ref);
        if (path != null && Files.isDirectory(path)) {
            Path config = path.resolve("config.json");
            if (!Files.isRegularFile(config)) {
                throw new BadInputException("model folder " + path + " has no config.json; a model folder needs"
                        + " config.json (and optionally *.safetensors)");
            }
            return build(path.toString(), read(config), overrides, SafetensorsInventory.shards(path));
        }
        if (path != null && Files.exists(path)) {
            return build(path.toString(), read(path), overrides, List.of());
        }
        if (ref.contains("/") || ref.contains("\\") || ref.endsWith(".json")) {
            throw new BadInputException("model file " + ref + " does not exist; give a preset name, a"
                    + " config.json path or a model folder");
        }
        throw new BadInputException("unknown model '" + ref + "'; accepted: a preset (" + String.join(", ",
                presets()) + "), a path to a config.json, or a model folder");
    }

    /** @return the shipped preset names, sorted */
    public List<String> presets() {
        return presets.names().stream().sorted().toList();
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

    private Inventory build(String source, HfConfig raw, Map<String, Object> overrides, List<Path> shards) {
        HfConfig config = raw.withOverrides(overrides);
        try {
            return assemble(source, config, shards);
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
