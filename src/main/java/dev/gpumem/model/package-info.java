/**
 * Model inventory: what parameter tensors a model has (name, shape, dtype, group, layer) and the normalised
 * architecture dimensions the estimator needs (hidden size, heads, KV heads, MLP kind, norm kind, MoE, head).
 * Owns: {@link dev.gpumem.model.Architecture}, {@link dev.gpumem.model.TensorSpec},
 * {@link dev.gpumem.model.Inventory}, and (in {@code model.hf}) reading Hugging Face config.json files,
 * safetensors headers and the shipped presets.
 * Must not: know about run configurations, phases, devices or the CLI; depend on anything but {@code units} and {@code input}
 * (whose {@link dev.gpumem.input.BadInputException} the config and safetensors readers throw).
 */
package dev.gpumem.model;
