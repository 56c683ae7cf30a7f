package dev.gpumem.compare;

import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.measure.NonTorchMemory;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RankReading;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One rank's memory outside torch's caching allocator at a phase's end (the CUDA context, NCCL's buffers and
 * communicators, cuBLAS workspaces, other libraries), set against what the estimate puts there: its device level
 * minus its reserved level for that phase (context + workspaces + NCCL terms of the estimate).
 *
 * <p>Measured: the rank's process use on its GPU (NVML) minus torch.cuda.memory_reserved from the rank's marker at
 * the same phase end ({@link NonTorchMemory}); only where both were read. Shown as its own component, not folded
 * into the level errors: the two readings come from different clocks (NVML polled, the marker's counter at the
 * mark), so a row is an indication of where a device-level error sits, not a fourth level.
 *
 * @param rank      the rank
 * @param phase     phase wire name
 * @param measured  process used − torch reserved at the phase's end, bytes (may be negative, see NonTorchMemory)
 * @param estimated the estimate's device − reserved at that phase, bytes
 */
public record NonTorchRow(int rank, String phase, long measured, long estimated) {

    /** @return estimate − measured, bytes */
    public long errorBytes() {
        return estimated - measured;
    }

    /** @return one row per rank and phase that has both readings and an estimated phase of that name, rank order */
    public static List<NonTorchRow> of(Profile profile, List<PhaseEstimate> estimated) {
        List<NonTorchRow> out = new ArrayList<>();
        for (RankReading rank : profile.ranks()) {
            for (NonTorchMemory m : rank.nonTorch()) {
                Optional<PhaseEstimate> e = estimated.stream().filter(p -> p.phase().wire().equals(m.phase()))
                        .findFirst();
                e.ifPresent(p -> out.add(new NonTorchRow(rank.rank(), m.phase(), m.bytes(),
                        p.device() - p.reserved())));
            }
        }
        return out;
    }
}
