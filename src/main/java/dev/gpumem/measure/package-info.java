/**
 * Live measurement: runners that make a workload happen (cudaMalloc replay, DJL training step, an external
 * command, and their CPU twins), probes that read memory now (NVML, cudaMemGetInfo, resident set size), a
 * sampler thread, and the {@link dev.gpumem.measure.Profile} that remains.
 *
 * <p>The pieces, for a new backend:
 * <ul>
 *   <li>{@link dev.gpumem.measure.Runner}: makes the workload happen; marks phases through
 *       {@link dev.gpumem.measure.RunContext}; returns a {@link dev.gpumem.measure.RunOutcome} value;</li>
 *   <li>{@link dev.gpumem.measure.Probe}: reads memory now, never allocates;</li>
 *   <li>{@link dev.gpumem.measure.Sampler}: the thread that polls a probe, stamping the
 *       {@link dev.gpumem.measure.PhaseClock}'s phase;</li>
 *   <li>{@link dev.gpumem.measure.MeasurementSession}: the harness that puts them together into a profile;
 *       its {@code PhaseBook} keeps one view's boundaries (the job's, or one rank's, each rank with its own
 *       sampler on its own processes, {@link dev.gpumem.measure.RankReading}).</li>
 * </ul>
 * A distributed job (an external command over several GPUs): the probe's {@code forRank} view reads each rank on
 * its own GPU, {@link dev.gpumem.measure.RankDiscovery} finds ranks by RANK in a child's environment
 * ({@link dev.gpumem.measure.RankEnvironment}) as markers with {@code rank=} do, the profile keeps per-GPU peaks
 * ({@link dev.gpumem.measure.DeviceReading}) and each rank's device, and
 * {@link dev.gpumem.measure.NonTorchMemory} is a rank's memory beyond torch's reserved (context, NCCL, libraries);
 * {@link dev.gpumem.measure.JobProfile} joins the per-node profiles of a multi-node job (nodes, ranks, GPUs).
 * {@link dev.gpumem.measure.ResultsAdmission} decides which profiles are real GPU measurements that may be kept
 * under results/.
 * Owns: device access (only {@code measure.nvml}, {@code measure.cuda} and {@code measure.djl} may import
 * JavaCPP or DJL), phase readings, the baseline mark, per-rank readings and their devices, per-device readings,
 * the run-wide peak
 * ({@link dev.gpumem.measure.RunPeak}), run events, ending a run early on request
 * ({@link dev.gpumem.measure.StopRequest}: the profile of the phases so far is still made).
 * Must not: compute estimates (it may read an {@link dev.gpumem.estimate.plan.AllocationPlan}, which is data),
 * format reports, or write files other than through {@code io}.
 */
package dev.gpumem.measure;
