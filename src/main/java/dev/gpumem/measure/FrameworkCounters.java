package dev.gpumem.measure;

/**
 * What the workload itself counts, reported at a phase end: torch's caching-allocator counters from markers, or
 * the replay runner's exact bookkeeping. Any field may be null (not known).
 *
 * @param allocated     live tensor bytes at the boundary (torch.cuda.memory_allocated)
 * @param reserved      allocator segment bytes at the boundary (torch.cuda.memory_reserved)
 * @param peakAllocated highest allocated during the phase (torch.cuda.max_memory_allocated after a reset at entry)
 * @param peakReserved  highest reserved during the phase (torch.cuda.max_memory_reserved after a reset at entry)
 */
public record FrameworkCounters(Long allocated, Long reserved, Long peakAllocated, Long peakReserved) {
    /** nothing known */
    public static final FrameworkCounters NONE = new FrameworkCounters(null, null, null, null);
}
