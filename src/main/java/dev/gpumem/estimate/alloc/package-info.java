/**
 * A model of PyTorch's CUDA caching allocator: turns the allocated level into the reserved level (block rounding
 * to 512 B, 2 MiB small-pool segments, 20 MiB segments for 1-10 MiB requests, larger requests rounded to 2 MiB,
 * block splitting and reuse). Used by the estimator and, on top of cudaMalloc, by the replay runner.
 * Must not: touch a device.
 */
package dev.gpumem.estimate.alloc;
