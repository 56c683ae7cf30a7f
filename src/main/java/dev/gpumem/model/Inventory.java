package dev.gpumem.model;

import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Every parameter tensor of a model plus its architecture.
 *
 * @param source       where it came from (preset name, config path or folder)
 * @param architecture normalised dimensions
 * @param tensors      every parameter and buffer tensor, in checkpoint order
 * @param warnings     non-fatal remarks made while reading (e.g. unknown model_type read as a generic decoder)
 */
public record Inventory(String source, Architecture architecture, List<TensorSpec> tensors, List<String> warnings) {
    public Inventory {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(architecture, "architecture");
        tensors = List.copyOf(tensors);
        warnings = List.copyOf(warnings);
    }

    /** @return number of parameters (buffers and quantization constants excluded; a quantized weight counts its elements) */
    public long parameterCount() {
        return count(TensorSpec::isParameter);
    }

    /** @return number of elements in tensors matching {@code filter} */
    public long count(Predicate<TensorSpec> filter) {
        long n = 0;
        for (TensorSpec t : tensors) {
            if (filter.test(t)) {
                n = Math.addExact(n, t.numel());
            }
        }
        return n;
    }

    /** @return tensors of block {@code layer} */
    public List<TensorSpec> layer(int layer) {
        return tensors.stream().filter(t -> t.layer() == layer).toList();
    }
}
