package dev.gpumem.measure;

import java.util.List;

/**
 * The run-wide peak per level: the highest figure seen anywhere in the run, inside a phase or not (memory used
 * after the last marker, or before the first, counts here). Derived from the readings and samples, never stored
 * apart from them.
 *
 * @param device    highest device-wide used (CPU twin: resident set of the watched processes), polled
 * @param process   highest per-process use, or null when the probe has none
 * @param allocated highest framework peak allocated any phase reported, or null
 * @param reserved  highest framework peak reserved any phase reported, or null
 */
public record RunPeak(long device, Long process, Long allocated, Long reserved) {

    /** @return the peaks over the baseline, every phase's readings and peaks, and every sample */
    public static RunPeak of(Reading baseline, List<PhaseReading> phases, List<Sample> samples) {
        long device = baseline.deviceUsed();
        long process = baseline.processUsed() == null ? -1 : baseline.processUsed();
        Long allocated = null;
        Long reserved = null;
        for (PhaseReading p : phases) {
            device = Math.max(device, p.peakDevice());
            if (p.peakProcess() != null) {
                process = Math.max(process, p.peakProcess());
            }
            allocated = max(allocated, p.peakAllocated());
            reserved = max(reserved, p.peakReserved());
        }
        for (Sample s : samples) {
            device = Math.max(device, s.deviceUsed());
            process = Math.max(process, s.processUsed());
        }
        return new RunPeak(device, process >= 0 ? process : null, allocated, reserved);
    }

    private static Long max(Long a, Long b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : Math.max(a, b);
    }
}
