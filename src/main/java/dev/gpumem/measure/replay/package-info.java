/**
 * The replay runners: put an estimator's {@link dev.gpumem.estimate.plan.AllocationPlan} on a device, phase by
 * phase, either one raw allocation per tensor (replay) or through the Java model of PyTorch's caching allocator
 * with raw allocations as its segments (replay-cca). They run on any {@link dev.gpumem.measure.DeviceMemory}:
 * cudaMalloc on a GPU, malloc on the host twin.
 * Owns: plan execution, the replay's exact counters.
 * Must not: load native libraries itself (the DeviceMemory does), compute estimates, or write files.
 */
package dev.gpumem.measure.replay;
