package dev.gpumem.model.hf;

import java.util.List;

/**
 * One tensor as described by a safetensors header.
 *
 * @param name  tensor name
 * @param dtype safetensors dtype string (F32, F16, BF16, I32, U8, F8_E4M3, ...)
 * @param shape dimensions (empty for a scalar)
 */
record SafetensorsEntry(String name, String dtype, List<Long> shape) {
    SafetensorsEntry {
        shape = List.copyOf(shape);
    }
}
