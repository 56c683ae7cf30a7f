/**
 * Per-rank shares under ZeRO 1/2/3 and FSDP full shard, tensor parallelism and pipeline parallelism.
 * Must not: allocate, know optimizer internals or activations beyond which dimensions split.
 */
package dev.gpumem.estimate.parallel;
