package dev.gpumem.measure;

/**
 * Makes a workload happen and marks its phase boundaries. One implementation per backend: replay (cudaMalloc of an
 * allocation plan, or its host twin), replay-cca (the same through the caching-allocator model), djl (an in-process
 * DJL training step) and external (a child process). Picked through {@code RunnerKind}.
 *
 * <p>Life cycle, driven by {@link MeasurementSession}:
 * <ol>
 *   <li>{@link #prepare()}: set up what is not the workload (CUDA context, loaded engine, warmed workspaces);</li>
 *   <li>the harness reads the baseline and starts the {@link Sampler};</li>
 *   <li>{@link #run(RunContext)}: the workload, phase by phase, through the context;</li>
 *   <li>the harness closes the last phase, stops the sampler and builds the {@link Profile}.</li>
 * </ol>
 *
 * <p>Contract: {@code run} frees everything it allocated before it returns, on every path. Running out of memory,
 * a failed child and a timeout are returned as {@link RunOutcome} values. Only a missing device or library
 * ({@link DeviceUnavailableException}) or a bug is thrown.
 */
public interface Runner {

    /** @return the runner's wire name as written to {@link Provenance#runner()}: replay, replay-cca, djl, external */
    String name();

    /**
     * @return true when the workload runs in this JVM (replay, djl): per-process figures then follow this process
     *         from the baseline on. False for a child process: per-process figures are 0 until the runner calls
     *         {@link RunContext#watch}, so the baseline holds only device-wide use.
     */
    default boolean inProcess() {
        return true;
    }

    /** Sets up what must not count as workload, before the baseline reading. Default: nothing. */
    default void prepare() {
    }

    /**
     * Runs the workload.
     *
     * @param ctx the harness: phase boundaries, events, processes to watch
     * @return how it ended
     * @throws InterruptedException when the measuring thread is interrupted (the runner frees first)
     */
    RunOutcome run(RunContext ctx) throws InterruptedException;
}
