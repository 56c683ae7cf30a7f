package dev.gpumem.compare;

import dev.gpumem.measure.Profile;

/**
 * What a CI verdict checks (docs/ci-verdicts.md). Every limit is optional; none given checks nothing and passes.
 *
 * @param maxError fraction: every scored |estimate − measured| / measured must stay at or below it, or null
 * @param maxPeak  bytes: every measured phase and run-wide peak, at every level, must stay at or below it, or null
 * @param budget   a baseline profile whose measured peaks per rank, phase and level are the budget, or null
 * @param rtol     relative tolerance on the budget: measured ≤ budget × (1 + rtol)
 */
public record Limits(Double maxError, Long maxPeak, Profile budget, double rtol) {
    public static final double DEFAULT_RTOL = 0.05;
    public static final Limits NONE = new Limits(null, null, null, DEFAULT_RTOL);

    public Limits {
        if (maxError != null && !(maxError >= 0)) {
            throw new IllegalArgumentException("max-error: must be a percentage ≥ 0");
        }
        if (maxPeak != null && maxPeak < 0) {
            throw new IllegalArgumentException("max-peak: must be ≥ 0 bytes");
        }
        if (!(rtol >= 0) || Double.isInfinite(rtol)) {
            throw new IllegalArgumentException("rtol: must be a number ≥ 0, got " + rtol);
        }
    }

    /** @return true when at least one limit is set */
    public boolean any() {
        return maxError != null || maxPeak != null || budget != null;
    }
}
