/**
 * Per-op activation accounting: the tensors a transformer block allocates in forward and keeps for backward, and
 * the gradient buffers of its backward, as a {@link dev.gpumem.estimate.ops.BlockProgram} replayed per layer.
 * What the block is built of comes from the model's {@link dev.gpumem.model.Traits}; the request's side (dtypes,
 * kernel, which weights train, LoRA, torch.compile) from {@link dev.gpumem.estimate.ops.BlockSpec}; the per-rank
 * dimensions under tensor and sequence parallelism (a/t, i/t, v/t inside the tensor-parallel region, s/t outside it,
 * with the all-gathers and reduce-scatters at its edges; s/cp everywhere under context parallelism, with the ring
 * attention's buffers) from {@link dev.gpumem.estimate.ops.Dims}.
 * Must not: allocate anything itself, know about optimizers, sharding or the allocator.
 */
package dev.gpumem.estimate.ops;
