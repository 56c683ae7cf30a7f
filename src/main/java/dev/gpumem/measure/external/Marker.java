package dev.gpumem.measure.external;

import dev.gpumem.measure.FrameworkCounters;
import java.util.Objects;

/**
 * One phase marker line (docs/markers.md).
 *
 * @param lineNumber 1-based line in the markers file
 * @param phase      phase wire name
 * @param at         whether the line opens or closes the phase
 * @param counters   the framework's counters (all null on CPU or when the child sent none)
 * @param childTime  the child's own timestamp (t=, seconds since the epoch), or null
 * @param rank       the writer's rank (rank=, from RANK), or null for a single-process run
 * @param pid        the writer's process id (pid=), or null
 */
public record Marker(int lineNumber, String phase, At at, FrameworkCounters counters, Double childTime,
                     Integer rank, Long pid) {
    /** the reserved phase name of a baseline mark (docs/markers.md): not a phase, the baseline's new reading */
    public static final String BASELINE = "baseline";

    public Marker {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(counters, "counters");
    }

    /** A marker of a single-process run (no rank, no pid). */
    public Marker(int lineNumber, String phase, At at, FrameworkCounters counters, Double childTime) {
        this(lineNumber, phase, at, counters, childTime, null, null);
    }

    /** @return true for a baseline mark ({@code phase=baseline}) */
    public boolean isBaseline() {
        return BASELINE.equals(phase);
    }

    /** Whether a marker opens or closes its phase. */
    public enum At { START, END }
}
