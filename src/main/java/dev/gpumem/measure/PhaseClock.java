package dev.gpumem.measure;

/**
 * The run's monotonic clock and the phase in progress. The harness moves it at phase boundaries; the
 * {@link Sampler} stamps each sample with {@link #phase()}. Thread-safe.
 */
public final class PhaseClock {
    /** the phase name before the runner marks any */
    public static final String UNMARKED = "run";

    private final long origin;
    private volatile String phase;

    public PhaseClock() {
        this.origin = System.nanoTime();
        this.phase = UNMARKED;
    }

    /** A clock with the same origin as {@code sameOrigin} (a rank's phases on the run's time line). */
    PhaseClock(PhaseClock sameOrigin) {
        this.origin = sameOrigin.origin;
        this.phase = UNMARKED;
    }

    /** @return nanoseconds since the clock was made (the run's start) */
    public long nanos() {
        return System.nanoTime() - origin;
    }

    /** @return the phase in progress */
    public String phase() {
        return phase;
    }

    void enter(String newPhase) {
        phase = newPhase;
    }
}
