package dev.gpumem.compare;

import dev.gpumem.estimate.Level;
import java.util.Objects;

/**
 * The estimate's signed error at one phase and level: estimate − measured, and that over measured.
 *
 * @param phase     phase wire name
 * @param level     the level
 * @param estimated bytes the estimate predicts
 * @param measured  what the profile measured (possibly absent)
 * @param rank      the rank measured, for a multi-process profile's per-rank rows; null for the job-wide view
 * @param evidence  what the row can tell about the estimate (a replay's rows are plan checks, {@link Evidence})
 * @param state     whether the phase ran to its end; a phase cut short by running out of memory, or never reached,
 *                  has no error (its measured number, where there is one, is the state at the failure)
 */
public record LevelError(String phase, Level level, long estimated, Measured measured, Integer rank,
                         Evidence evidence, State state) {
    /** Whether the phase ran to its end. */
    public enum State {
        /** the phase ran to its end: the row has an error */
        MEASURED,
        /** the run ran out of memory in this phase: measured is the state at the failure, not the phase's peak */
        OUT_OF_MEMORY,
        /** the phase never ran: the run ended in out of memory before it */
        NOT_RUN
    }

    public LevelError {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(measured, "measured");
        Objects.requireNonNull(evidence, "evidence");
        Objects.requireNonNull(state, "state");
    }

    /** A row of a phase that ran, measured by a run independent of the estimator. */
    public LevelError(String phase, Level level, long estimated, Measured measured, Integer rank) {
        this(phase, level, estimated, measured, rank, Evidence.ESTIMATE_ERROR, State.MEASURED);
    }

    /** A job-wide row. */
    public LevelError(String phase, Level level, long estimated, Measured measured) {
        this(phase, level, estimated, measured, null);
    }

    /** @return "forward", or "rank 1/forward" for a per-rank row */
    public String where() {
        return rank == null ? phase : "rank " + rank + "/" + phase;
    }

    /** @return estimate − measured in bytes, or null when the measurement is absent or the phase did not run out */
    public Long errorBytes() {
        return state == State.MEASURED && measured.present() ? estimated - measured.bytes() : null;
    }

    /**
     * @return (estimate − measured) / measured, or null when absent, measured is not positive, or the phase did not
     *         run to its end
     */
    public Double relativeError() {
        if (state != State.MEASURED || !measured.present() || measured.bytes() <= 0) {
            return null;
        }
        return (double) (estimated - measured.bytes()) / measured.bytes();
    }

    /** @return true when a relative error exists */
    public boolean scored() {
        return relativeError() != null;
    }
}
