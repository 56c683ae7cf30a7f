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
 */
public record Marker(int lineNumber, String phase, At at, FrameworkCounters counters, Double childTime) {
    public Marker {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(counters, "counters");
    }

    /** Whether a marker opens or closes its phase. */
    public enum At { START, END }
}
