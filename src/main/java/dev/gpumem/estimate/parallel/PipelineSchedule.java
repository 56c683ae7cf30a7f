package dev.gpumem.estimate.parallel;

import dev.gpumem.estimate.WireEnum;

/**
 * The order in which a pipeline stage runs the forwards and backwards of the step's m micro-batches (m =
 * grad_accum), and so how many micro-batches' activations it holds at once. A unit is one micro-batch through one
 * model chunk of the stage (non-interleaved schedules: the stage's whole share of layers is one chunk).
 *
 * <ul>
 *   <li>gpipe (Huang et al. 2019; torch.distributed.pipelining {@code ScheduleGPipe}): every micro-batch's forward
 *       before any backward: m units in flight on every stage.</li>
 *   <li>1f1b (Narayanan et al. 2021 §2.2, PipeDream-Flush; Megatron-LM's
 *       {@code forward_backward_pipelining_without_interleaving}, torch {@code Schedule1F1B}): stage s of p runs
 *       p − s − 1 warmup forwards, then one forward and one backward alternately: min(p − s, m) in flight.</li>
 *   <li>interleaved_1f1b (Narayanan et al. 2021 §2.2.1; Megatron-LM's
 *       {@code forward_backward_pipelining_with_interleaving}, torch {@code ScheduleInterleaved1F1B}): each stage
 *       holds v model chunks; Megatron-LM's {@code get_pp_rank_microbatches} (NVIDIA/Megatron-LM
 *       megatron/core/pipeline_parallel/schedules.py @00611e6eeb0b09b5ee074750956855215ddbd67f) runs
 *       (p − s − 1)·2 + (v − 1)·g warmup units (g = microbatch_group_size_per_vp_stage, p by default), all m·v when
 *       that is more, and then 1F1B, so min((p − s − 1)·2 + (v − 1)·p + 1, m·v) units are in flight (its
 *       {@code max_outstanding_backprops = num_warmup_microbatches + 1}).</li>
 * </ul>
 */
public enum PipelineSchedule implements WireEnum {
    GPIPE("gpipe"), ONE_F_ONE_B("1f1b"), INTERLEAVED_1F1B("interleaved_1f1b");

    private final String wire;

    PipelineSchedule(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    /**
     * @param stages        p
     * @param stage         s, 0-based
     * @param microBatches  m (grad_accum)
     * @param virtualStages v (1 unless interleaved)
     * @return units (micro-batch × model chunk) whose activations stage s holds at its peak
     */
    public int unitsInFlight(int stages, int stage, int microBatches, int virtualStages) {
        if (stages == 1) {
            return 1;                      // no pipeline: each micro-batch's forward, then its backward
        }
        long units = (long) microBatches * virtualStages;
        long held = switch (this) {
            case GPIPE -> units;
            case ONE_F_ONE_B -> Math.min(stages - stage, microBatches);
            case INTERLEAVED_1F1B -> Math.min((stages - stage - 1) * 2L + (virtualStages - 1L) * stages + 1, units);
        };
        return (int) held;
    }
}
