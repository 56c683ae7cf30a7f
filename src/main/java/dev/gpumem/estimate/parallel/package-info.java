/**
 * Per-rank shares under ZeRO 1/2/3 and FSDP full shard (over data × context ranks), tensor parallelism and pipeline
 * parallelism; context parallelism replicates the states over its ranks.
 * Must not: allocate, know optimizer internals or activations beyond which dimensions split.
 */
package dev.gpumem.estimate.parallel;
