/**
 * The step builders: they decide what is allocated and freed when during training (load, forward, loss, backward,
 * optimizer step, second step) and inference (load, prefill, decode) on the counted rank, replaying the block
 * programs of {@code estimate.ops} and the per-tensor states of {@code estimate.optim} into a timeline, with the
 * engines' own buffers (DDP buckets, DeepSpeed's reduce buckets, ZeRO-3's element-budget prefetch, offload staging)
 * and, with offload, what each parameter keeps in host memory instead ({@code ParamEntry.host},
 * {@code StepTimeline.host}).
 * Must not: simulate the allocator or format explanations (that is {@code estimate.timeline}), touch a device.
 */
package dev.gpumem.estimate.step;
