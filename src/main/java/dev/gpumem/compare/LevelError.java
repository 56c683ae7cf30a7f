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
 */
public record LevelError(String phase, Level level, long estimated, Measured measured, Integer rank) {
    public LevelError {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(measured, "measured");
    }

    /** A job-wide row. */
    public LevelError(String phase, Level level, long estimated, Measured measured) {
        this(phase, level, estimated, measured, null);
    }

    /** @return "forward", or "rank 1/forward" for a per-rank row */
    public String where() {
        return rank == null ? phase : "rank " + rank + "/" + phase;
    }

    /** @return estimate − measured in bytes, or null when the measurement is absent */
    public Long errorBytes() {
        return measured.present() ? estimated - measured.bytes() : null;
    }

    /** @return (estimate − measured) / measured, or null when absent or measured is not positive */
    public Double relativeError() {
        if (!measured.present() || measured.bytes() <= 0) {
            return null;
        }
        return (double) (estimated - measured.bytes()) / measured.bytes();
    }

    /** @return true when a relative error exists */
    public boolean scored() {
        return relativeError() != null;
    }
}
