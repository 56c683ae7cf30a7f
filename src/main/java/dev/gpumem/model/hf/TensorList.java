package dev.gpumem.model.hf;

import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.TensorSpec;
import dev.gpumem.units.DType;
import java.util.ArrayList;
import java.util.List;

/** Collects a family's tensors in checkpoint order. Local to one mapping; never shared. */
final class TensorList {
    private final DType dtype;
    private final List<TensorSpec> tensors = new ArrayList<>();

    TensorList(DType dtype) {
        this.dtype = dtype;
    }

    /** Adds one tensor of the checkpoint dtype. */
    TensorList add(String name, ParamGroup group, int layer, long... dims) {
        tensors.add(TensorSpec.of(name, dtype, group, layer, dims));
        return this;
    }

    /** nn.Linear: {@code name.weight [out, in]} and, with {@code bias}, {@code name.bias [out]}. */
    TensorList linear(String name, ParamGroup group, int layer, long out, long in, boolean bias) {
        add(name + ".weight", group, layer, out, in);
        if (bias) {
            add(name + ".bias", group, layer, out);
        }
        return this;
    }

    /** GPT-2's Conv1D (transformers pytorch_utils.Conv1D): {@code weight [in, out]} and {@code bias [out]}. */
    TensorList conv1d(String name, ParamGroup group, int layer, long in, long out) {
        add(name + ".weight", group, layer, in, out);
        add(name + ".bias", group, layer, out);
        return this;
    }

    /** RMSNorm: weight only. */
    TensorList rmsNorm(String name, int layer, long width) {
        return add(name + ".weight", ParamGroup.NORM, layer, width);
    }

    /** LayerNorm with elementwise affine: weight and bias. */
    TensorList layerNorm(String name, int layer, long width) {
        add(name + ".weight", ParamGroup.NORM, layer, width);
        return add(name + ".bias", ParamGroup.NORM, layer, width);
    }

    List<TensorSpec> toList() {
        return List.copyOf(tensors);
    }
}
