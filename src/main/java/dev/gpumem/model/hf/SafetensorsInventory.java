package dev.gpumem.model.hf;

import dev.gpumem.input.BadInputException;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.TensorSpec;
import dev.gpumem.units.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The tensors of a local model folder, from the headers of its {@code *.safetensors} shards (files in name order):
 * exact names, shapes and dtypes, grouped and numbered by {@link TensorNameClassifier}. Weights are never read.
 */
final class SafetensorsInventory {
    /** the most elements a tensor (and the whole model) may have: 2^63 / 64 bits, about 1.4·10^17 */
    static final long MAX_ELEMENTS = Long.MAX_VALUE / 64;

    private final SafetensorsHeaderReader reader = new SafetensorsHeaderReader();
    private final TensorNameClassifier classifier = new TensorNameClassifier();

    /** the sharded checkpoint's index, as transformers writes it ({@code weight_map}: tensor name → shard file) */
    static final String INDEX = "model.safetensors.index.json";

    /** @return the folder's *.safetensors files, sorted by name (empty when it has none) */
    static List<Path> shards(Path folder) {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new BadInputException("model folder " + folder + " cannot be listed: " + e.getMessage(), e);
        }
    }

    /**
     * The checkpoint files of a folder: with a {@value #INDEX}, the shards its {@code weight_map} names (other
     * *.safetensors beside them, e.g. an adapter, are not the model's); without one, every *.safetensors file.
     * When the index names shards that are absent (a partial download, as the Hugging Face cache often holds),
     * no shard is used and the tensors come from config.json, with a warning.
     *
     * @param json     reads the index
     * @param warnings receives the reason when shards are ignored
     * @return the shard files, sorted by name; empty when the tensors are to come from config.json
     */
    static List<Path> checkpoint(Path folder, JsonConfigReader json, List<String> warnings) {
        Path index = folder.resolve(INDEX);
        if (!Files.isRegularFile(index)) {
            return shards(folder);
        }
        Object map = json.read(index).get("weight_map");
        if (!(map instanceof Map<?, ?> weightMap) || weightMap.isEmpty()) {
            throw new BadInputException("safetensors index " + index + " has no \"weight_map\" object of"
                    + " tensor name to shard file");
        }
        TreeSet<String> files = new TreeSet<>();
        for (Object file : weightMap.values()) {
            String f = String.valueOf(file);
            if (f.contains("/") || f.contains("\\") || !f.endsWith(".safetensors")) {
                throw new BadInputException("safetensors index " + index + " names shard '" + f
                        + "'; shards are *.safetensors files beside the index");
            }
            files.add(f);
        }
        List<String> missing = files.stream().filter(f -> !Files.isRegularFile(folder.resolve(f))).toList();
        if (!missing.isEmpty()) {
            warnings.add(folder + ": " + missing.size() + " of the " + files.size() + " shards that " + INDEX
                    + " names are absent (" + String.join(", ", missing.subList(0, Math.min(3, missing.size())))
                    + (missing.size() > 3 ? ", ..." : "") + "); the tensors come from config.json");
            return List.of();
        }
        return files.stream().map(folder::resolve).toList();
    }

    /**
     * @param encoderLayers encoder blocks, so decoder blocks of an encoder-decoder get the following indices
     * @param warnings      receives remarks (e.g. empty tensors skipped)
     */
    List<TensorSpec> read(List<Path> shards, int encoderLayers, List<String> warnings) {
        List<TensorSpec> tensors = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        long total = 0;
        for (Path shard : shards) {
            for (SafetensorsEntry e : reader.read(shard)) {
                if (!seen.add(e.name())) {
                    throw new BadInputException("safetensors file " + shard + " repeats tensor '" + e.name()
                            + "' already listed by another shard");
                }
                if (e.shape().contains(0L)) {
                    warnings.add("tensor " + e.name() + " in " + shard.getFileName() + " is empty; skipped");
                    continue;
                }
                long numel = elements(shard, e);
                if (total > MAX_ELEMENTS - numel) {
                    throw new BadInputException("safetensors file " + shard + ": tensor '" + e.name() + "' brings the"
                            + " model past " + MAX_ELEMENTS + " elements in all, which overflows a 64-bit byte count");
                }
                total += numel;
                tensors.add(spec(shard, e, encoderLayers));
            }
        }
        return tensors;
    }

    /**
     * Elements of one tensor, refused past {@link #MAX_ELEMENTS}: the estimator counts bytes as elements times
     * bits of the dtype (up to 64 for fp64 master copies and optimizer states) in a 64-bit integer.
     */
    private static long elements(Path shard, SafetensorsEntry e) {
        long n = 1;
        for (long d : e.shape()) {
            if (n > MAX_ELEMENTS / d) {
                throw new BadInputException("safetensors file " + shard + ": tensor '" + e.name() + "' has shape "
                        + e.shape() + ", more than " + MAX_ELEMENTS + " elements, which overflows a 64-bit byte count");
            }
            n *= d;
        }
        return n;
    }

    private TensorSpec spec(Path shard, SafetensorsEntry e, int encoderLayers) {
        DType dtype;
        try {
            dtype = DType.parse(e.dtype());
        } catch (IllegalArgumentException ex) {
            throw new BadInputException("safetensors file " + shard + ": tensor '" + e.name() + "' has dtype '"
                    + e.dtype() + "'; accepted: F64, F32, F16, BF16, F8_E4M3, F8_E5M2, I64, I32, I8, U8, BOOL", ex);
        }
        ParamGroup group = classifier.group(e.name());
        boolean quantized = group == ParamGroup.QUANT_STATE || e.name().endsWith(".qweight")
                || e.name().endsWith(".weight") && isStorageType(dtype);
        return new TensorSpec(e.name(), e.shape(), dtype, group, classifier.layer(e.name(), encoderLayers), quantized);
    }

    /** Integer or fp8 weights are quantized storage (bnb packs 4-bit weights into uint8, GPTQ into int32). */
    private static boolean isStorageType(DType d) {
        return d == DType.UINT8 || d == DType.INT8 || d == DType.INT32 || d == DType.FP8 || d == DType.INT4
                || d == DType.NF4;
    }
}
