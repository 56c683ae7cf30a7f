package dev.gpumem.measure;

/**
 * One sampler reading, stamped with the phase in progress.
 *
 * @param tNanos      monotonic time since the run started, ns
 * @param phase       phase wire name in progress
 * @param deviceUsed  device-wide used bytes (CPU: RSS)
 * @param processUsed per-process bytes, or -1 when the probe has none
 */
public record Sample(long tNanos, String phase, long deviceUsed, long processUsed) {
}
