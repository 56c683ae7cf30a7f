package dev.gpumem.compare;

import dev.gpumem.estimate.Level;
import java.util.List;
import java.util.Objects;

/**
 * One rank × phase × level of one profile, with what was measured there and the checks it failed (a JUnit
 * testcase). A case with no failure passed every limit that applied to it.
 *
 * @param profile   the profile's label (file name)
 * @param rank      the rank, or null for a single-process profile
 * @param phase     phase wire name, or {@value Comparison#WHOLE_RUN} for the run-wide peak
 * @param level     the level
 * @param measured  bytes measured (as compared: {@link MeasuredLevels}), or null when absent
 * @param estimated bytes estimated, or null without an estimate
 * @param checks    number of limits checked here
 * @param failures  one sentence per breached limit
 */
public record VerdictCase(String profile, Integer rank, String phase, Level level, Long measured, Long estimated,
                          int checks, List<String> failures) {
    public VerdictCase {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(level, "level");
        failures = List.copyOf(failures);
    }

    public boolean failed() {
        return !failures.isEmpty();
    }

    /** @return "forward/allocated", or "rank 1/forward/allocated" */
    public String name() {
        return (rank == null ? "" : "rank " + rank + "/") + phase + "/" + level.wire();
    }
}
