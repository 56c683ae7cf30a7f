package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Head;
import dev.gpumem.model.Architecture.Quantization;
import dev.gpumem.units.DType;

/**
 * What the loader has decided before a family mapper runs.
 *
 * @param head            the head chosen from {@code architectures}
 * @param quantization    the weights' quantization from {@code quantization_config}
 * @param checkpointDtype the config's {@code torch_dtype} (float32 when absent, as transformers assumes)
 */
record MapperContext(Head head, Quantization quantization, DType checkpointDtype) {
}
