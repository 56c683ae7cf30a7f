package dev.gpumem.measure;

import java.util.ArrayList;
import java.util.List;

/**
 * Memory a rank's process holds on its device beyond what torch's caching allocator reserved: the CUDA context,
 * NCCL's buffers and communicators, cuBLAS workspaces and any other library's allocations. Per phase end:
 * {@code processUsed - frameworkReserved} (the device level of the rank's own process minus
 * torch.cuda.memory_reserved from its marker); only where both are known.
 *
 * @param phase phase wire name
 * @param bytes process used minus torch reserved at the phase's end (may be negative when the marker's counters and
 *              the driver's read were taken at slightly different moments)
 */
public record NonTorchMemory(String phase, long bytes) {

    /** @return one entry per phase whose end has both the process's use and torch's reserved counter */
    public static List<NonTorchMemory> of(List<PhaseReading> phases) {
        List<NonTorchMemory> out = new ArrayList<>();
        for (PhaseReading p : phases) {
            Reading end = p.end();
            if (end.processUsed() != null && end.frameworkReserved() != null) {
                out.add(new NonTorchMemory(p.phase(), end.processUsed() - end.frameworkReserved()));
            }
        }
        return out;
    }
}
