package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture;
import dev.gpumem.model.TensorSpec;
import java.util.List;

/**
 * What a family mapper produces: the normalised architecture and the tensors (unquantized, checkpoint dtype).
 *
 * @param architecture normalised dimensions
 * @param tensors      every parameter tensor in checkpoint order
 * @param warnings     remarks for {@link dev.gpumem.model.Inventory#warnings()}
 */
record MappedModel(Architecture architecture, List<TensorSpec> tensors, List<String> warnings) {
    MappedModel {
        tensors = List.copyOf(tensors);
        warnings = List.copyOf(warnings);
    }

    MappedModel(Architecture architecture, List<TensorSpec> tensors) {
        this(architecture, tensors, List.of());
    }
}
