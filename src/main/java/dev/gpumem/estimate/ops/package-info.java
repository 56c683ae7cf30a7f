/**
 * Per-op activation accounting: the tensors a transformer block allocates in forward and keeps for backward, and
 * the gradient buffers of its backward, as a {@link dev.gpumem.estimate.ops.BlockProgram} replayed per layer.
 * What the block is built of comes from the model's {@link dev.gpumem.model.Traits}; the request's side (dtypes,
 * kernel, which weights train, LoRA, torch.compile) from {@link dev.gpumem.estimate.ops.BlockSpec}.
 * Must not: allocate anything itself, know about optimizers, sharding or the allocator.
 */
package dev.gpumem.estimate.ops;
