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
 * @param device         NVML index of the GPU the rank's process uses (seen in the device's process list, else its
 *                       LOCAL_RANK), or null (CPU twin, or not known); its device-wide figures are that GPU's
 */
public record RankReading(int rank, long pid, Reading baseline, Reading markedBaseline, List<PhaseReading> phases,
                          RunPeak peak, int samples, Integer device) {
    public RankReading {
        Objects.requireNonNull(baseline, "baseline");
        phases = List.copyOf(phases);
        Objects.requireNonNull(peak, "peak");
    }

    /** A rank reading without a known device. */
    public RankReading(int rank, long pid, Reading baseline, Reading markedBaseline, List<PhaseReading> phases,
                       RunPeak peak, int samples) {
        this(rank, pid, baseline, markedBaseline, phases, peak, samples, null);
    }

    /** @return the rank's non-torch memory (context, NCCL, other libraries) per phase, where markers gave counters */
    public List<NonTorchMemory> nonTorch() {
        return NonTorchMemory.of(phases);
    }

    /** @return the baseline the workload's memory is counted from: the baseline mark's, else the first reading */
    public Reading effectiveBaseline() {
        return markedBaseline != null ? markedBaseline : baseline;
    }
}
