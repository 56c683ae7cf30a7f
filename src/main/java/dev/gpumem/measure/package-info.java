/**
 * Live measurement: runners that make a workload happen (cudaMalloc replay, DJL training step, an external
 * command, and their CPU twins), probes that read memory now (NVML, cudaMemGetInfo, resident set size), a
 * sampler thread, and the {@link dev.gpumem.measure.Profile} that remains.
 * Owns: device access (only {@code measure.nvml}, {@code measure.cuda} and {@code measure.djl} may import
 * JavaCPP or DJL), phase readings, run events.
 * Must not: compute estimates (it may read an {@link dev.gpumem.estimate.plan.AllocationPlan}, which is data),
 * format reports, or write files other than through {@code io}.
 */
package dev.gpumem.measure;
