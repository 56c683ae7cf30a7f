package dev.gpumem.measure;

/**
 * Memory at one instant. A field that the probe cannot read is null, never 0 ("absent is not zero").
 *
 * @param tNanos            monotonic time since the run started, ns
 * @param deviceUsed        device-wide used bytes (NVML v2 used; on CPU: this process's resident set)
 * @param deviceUsedV1      NVML v1 used (includes driver-reserved memory), or null
 * @param deviceReserved    NVML v2 reserved (driver/firmware), or null
 * @param processUsed       this workload's process(es) bytes (NVML per-process usedGpuMemory; on CPU: RSS)
 * @param frameworkAllocated framework's live-tensor counter (torch.cuda.memory_allocated), or null
 * @param frameworkReserved  framework's reserved counter (torch.cuda.memory_reserved), or null
 */
public record Reading(long tNanos, long deviceUsed, Long deviceUsedV1, Long deviceReserved, Long processUsed,
                      Long frameworkAllocated, Long frameworkReserved) {
}
