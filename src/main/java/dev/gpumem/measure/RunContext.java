package dev.gpumem.measure;

import java.time.Duration;
import java.util.Optional;

/**
 * What a {@link Runner} sees of the harness while it runs. Phase boundaries are the runner's to mark:
 *
 * <pre>{@code
 * device.synchronize();              // cudaDeviceSynchronize / torch.cuda.synchronize: all work done
 * ctx.beginPhase("forward");         // the harness closes the previous phase and takes an exact reading
 * ... allocate, compute ...
 * device.synchronize();
 * ctx.endPhase("forward", counters); // exact reading; counters = what the framework itself counted
 * }</pre>
 *
 * A phase that was begun and is still open when the next one begins (or the run ends) is closed then, with
 * {@link FrameworkCounters#NONE}. A runner that only learns about a phase at its end (a child's markers) may call
 * {@link #endPhase} without {@link #beginPhase}: the interval since the previous boundary becomes that phase.
 * A runner that marks nothing gets one phase, {@value PhaseClock#UNMARKED}, covering the whole run.
 *
 * <p>All calls come from the runner's thread. Times are on the same clock as the samples.
 */
public interface RunContext {

    /**
     * Opens {@code phase} (closing the one in progress). Synchronise the device first: the harness reads the
     * probe at this call and records it as the phase's exact start.
     *
     * @param phase phase wire name, e.g. {@code forward}; a {@link dev.gpumem.estimate.Phase} wire name where one fits
     */
    void beginPhase(String phase);

    /**
     * Closes {@code phase} with an exact reading taken at this call (synchronise first).
     *
     * @param phase    phase wire name
     * @param counters the framework's own counters for the phase, or {@link FrameworkCounters#NONE}
     */
    void endPhase(String phase, FrameworkCounters counters);

    /**
     * A baseline mark ({@code phase=baseline}, docs/markers.md): what the workload holds now (an interpreter, its
     * imports, a runtime) is not the model's. On the CPU twin the profile's baseline moves here; on a GPU the
     * device level keeps the child's context. A phase still open is closed. Default: ignored.
     */
    default void markBaseline() {
    }

    /**
     * @return the phase boundaries of rank {@code rank} of a multi-process job, whose processes are {@code pid} and
     *         its descendants (measured apart from the job-wide view); the first call for a rank starts its view
     * @throws UnsupportedOperationException where the harness keeps no per-rank readings
     */
    default RankMarks rank(int rank, long pid) {
        throw new UnsupportedOperationException("this harness keeps no per-rank readings");
    }

    /** @return the phase in progress, or {@value PhaseClock#UNMARKED} before any */
    String currentPhase();

    /** Records something that belongs in the profile (an OOM, a note about a malformed marker, ...). */
    void event(RunEvent event);

    /** From now on, per-process figures follow {@code process} and its descendants (external runner). */
    void watch(ProcessHandle process);

    /** @return nanoseconds since the run started, on the samples' clock */
    long nanos();

    /** @return the time limit for the workload, if one was given ({@code --timeout}) */
    Optional<Duration> timeout();

    /**
     * Polled by the runner between steps (the external runner every few milliseconds, replay between plan events):
     * when present, end the workload (all its processes), close the phase in progress and return
     * {@link RunOutcome.Interrupted} with this cause.
     *
     * @return what asked the run to stop (e.g. {@code SIGTERM}), or empty
     */
    default Optional<String> stopRequested() {
        return Optional.empty();
    }
}
