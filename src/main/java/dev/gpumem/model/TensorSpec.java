package dev.gpumem.model;

import dev.gpumem.input.BadInputException;
import dev.gpumem.units.DType;
import java.util.List;
import java.util.Objects;

/**
 * One parameter (or buffer) tensor of the model.
 *
 * @param name    the tensor's name as in the checkpoint, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param shape   dimensions, outermost first
 * @param dtype   dtype as stored: the checkpoint's dtype, or the quantized dtype (nf4, int8, int4, fp8) for
 *                quantized weights. The estimator re-types unquantized tensors by the run's precision.
 * @param group   what the tensor belongs to
 * @param layer   index of the transformer block it belongs to, or -1 outside the blocks (embeddings, final
 *                norm, head); encoder-decoder models number encoder blocks first, then decoder blocks
 * @param quantized true when the stored dtype comes from a quantization config and must not be re-typed
 */
public record TensorSpec(String name, List<Long> shape, DType dtype, ParamGroup group, int layer, boolean quantized) {
    public TensorSpec {
        Objects.requireNonNull(name, "name");
        shape = List.copyOf(shape);
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(group, "group");
        for (Long d : shape) {
            if (d == null || d <= 0) {
                throw new BadInputException("tensor " + name + " has a non-positive dimension " + shape);
            }
        }
    }

    /** Unquantized tensor. */
    public static TensorSpec of(String name, DType dtype, ParamGroup group, int layer, long... dims) {
        return new TensorSpec(name, java.util.Arrays.stream(dims).boxed().toList(), dtype, group, layer, false);
    }

    /** @return number of elements (overflow-checked) */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** @return bytes as stored (dtype bits, packed) */
    public long storedBytes() {
        return dtype.bytes(numel());
    }

    /** @return true for parameters (everything but {@link ParamGroup#BUFFER} and quantization constants) */
    public boolean isParameter() {
        return group != ParamGroup.BUFFER && group != ParamGroup.QUANT_STATE;
    }

    /** @return the last path element before ".weight"/".bias", e.g. {@code q_proj}; used for LoRA targets */
    public String moduleName() {
        String[] parts = name.split("\\.");
        if (parts.length >= 2 && (parts[parts.length - 1].equals("weight") || parts[parts.length - 1].equals("bias"))) {
            return parts[parts.length - 2];
        }
        return parts[parts.length - 1];
    }
}
