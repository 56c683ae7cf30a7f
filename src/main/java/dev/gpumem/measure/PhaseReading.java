package dev.gpumem.measure;

import java.util.Objects;

/**
 * What was measured during one phase.
 *
 * @param phase            phase wire name (an estimate {@link dev.gpumem.estimate.Phase} name, or a user's own)
 * @param start            exact reading after synchronising at phase entry
 * @param end              exact reading after synchronising at phase exit
 * @param peakDevice       highest device-wide used seen in the phase (polled: a lower bound)
 * @param peakProcess      highest per-process use seen in the phase, or null
 * @param peakKind         how the peaks were obtained
 * @param peakAllocated    framework's peak allocated in this phase (torch.cuda.max_memory_allocated after a reset
 *                         at phase entry), or, for replay, the exact live bytes at the phase's peak; null if unknown
 * @param peakReserved     framework's peak reserved in this phase, or null
 * @param samples          number of sampler readings that fell in the phase
 */
public record PhaseReading(String phase, Reading start, Reading end, long peakDevice, Long peakProcess,
                           PeakKind peakKind, Long peakAllocated, Long peakReserved, int samples) {
    public PhaseReading {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(peakKind, "peakKind");
    }

    public enum PeakKind {
        /** the highest polled sample: the true peak may be higher */
        POLLED_LOWER_BOUND,
        /** NVML accounting mode's driver-held maxMemoryUsage: exact */
        ACCOUNTING
    }
}
