/**
 * Model inventory: what parameter tensors a model has (name, shape, dtype, group, layer) and the normalised
 * architecture dimensions the estimator needs (hidden size, heads, KV heads, MoE, head, DeepSeek's latent attention
 * widths {@link dev.gpumem.model.LatentAttention}, the sliding-window blocks {@link dev.gpumem.model.SlidingWindow}),
 * and the block's
 * {@link dev.gpumem.model.Traits} (norm kind, placement and weight, q/k norms, MLP kind and activation, fused
 * projections, positions, softcapping caps, embedding scale, latent attention, tied embeddings, parallel block): the
 * one place the estimator, the DJL runner, the notes and the refusals read a family's build from, filled by the
 * family mappers from config.json, never guessed downstream from {@code model_type} or tensor names.
 * Owns: {@link dev.gpumem.model.Architecture}, {@link dev.gpumem.model.Traits}, {@link dev.gpumem.model.TensorSpec},
 * {@link dev.gpumem.model.Inventory}, and (in {@code model.hf}) reading Hugging Face config.json files,
 * safetensors headers and the shipped presets.
 * Must not: know about run configurations, phases, devices or the CLI; depend on anything but {@code units} and {@code input}
 * (whose {@link dev.gpumem.input.BadInputException} the config and safetensors readers throw).
 */
package dev.gpumem.model;
