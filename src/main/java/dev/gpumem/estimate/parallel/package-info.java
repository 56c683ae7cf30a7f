/**
 * Per-rank shares under ZeRO 1/2/3 and FSDP full shard, tensor parallelism and pipeline parallelism: {@link
 * dev.gpumem.estimate.parallel.Sharding} (what a rank's tensors shrink to), {@link
 * dev.gpumem.estimate.parallel.PipelineLayout} (the request's schedule, virtual stages and stage choice), {@link
 * dev.gpumem.estimate.parallel.PipelineSchedule} (micro-batch × chunk units in flight per stage: gpipe, 1f1b,
 * interleaved_1f1b), {@link dev.gpumem.estimate.parallel.PipelineRuntime} (whose code sends and receives: fresh tensors
 * per message, or torch.distributed.pipelining's kept buffers), {@link dev.gpumem.estimate.parallel.PipelineStage} (one stage's chunks of blocks, the embedding
 * on the first and the head on the last, its forward order) and {@link dev.gpumem.estimate.parallel.StageChoice}; context parallelism replicates the states over its
 * ranks, and ZeRO / FSDP shards over data × context ranks.
 * Must not: allocate, know optimizer internals or activations beyond which dimensions split.
 */
package dev.gpumem.estimate.parallel;
