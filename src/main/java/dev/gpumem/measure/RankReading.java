package dev.gpumem.measure;

import java.util.List;
import java.util.Objects;

/**
 * What one rank of a multi-process job measured: its own processes (the rank's pid and its descendants), its own
 * phases from the markers it wrote with {@code rank=} (docs/markers.md), and its run-wide peak.
 *
 * @param rank           the rank (RANK of the writer)
 * @param pid            the rank's process id (pid= of its markers)
 * @param baseline       reading of the rank's processes when gpumem first saw the rank
 * @param markedBaseline reading at the rank's {@code baseline} mark, or null when it made none
 * @param phases         the rank's phases in order
 * @param peak           the rank's run-wide peak, inside a phase or not
 * @param samples        sampler readings of the rank's processes
 */
public record RankReading(int rank, long pid, Reading baseline, Reading markedBaseline, List<PhaseReading> phases,
                          RunPeak peak, int samples) {
    public RankReading {
        Objects.requireNonNull(baseline, "baseline");
        phases = List.copyOf(phases);
        Objects.requireNonNull(peak, "peak");
    }

    /** @return the baseline the workload's memory is counted from: the baseline mark's, else the first reading */
    public Reading effectiveBaseline() {
        return markedBaseline != null ? markedBaseline : baseline;
    }
}
