package dev.gpumem.estimate.parallel;

import dev.gpumem.input.BadInputException;
import java.util.Objects;

/**
 * How the pipeline stages run and which one is counted: {@code parallel.schedule}, {@code parallel.virtual_stages}
 * and {@code parallel.stage} (validation/REQUEST-SCHEMA.md). With {@code parallel.pipeline} 1 there is one stage and
 * the schedule does not apply (each micro-batch's forward, then its backward, as Megatron-LM's
 * {@code forward_backward_no_pipelining}).
 *
 * @param schedule      gpipe, 1f1b (default) or interleaved_1f1b
 * @param virtualStages model chunks per stage, v: at least 2 with interleaved_1f1b, else 1
 * @param stage         the stage counted (default worst)
 */
public record PipelineLayout(PipelineSchedule schedule, int virtualStages, StageChoice stage) {
    /** 1F1B, one chunk per stage, the worst stage counted. */
    public static final PipelineLayout DEFAULT = new PipelineLayout(PipelineSchedule.ONE_F_ONE_B, 1,
            StageChoice.WORST);

    public PipelineLayout {
        Objects.requireNonNull(schedule, "parallel.schedule");
        Objects.requireNonNull(stage, "parallel.stage");
        if (schedule == PipelineSchedule.INTERLEAVED_1F1B && virtualStages < 2) {
            throw new BadInputException("parallel.virtual_stages: interleaved_1f1b needs at least 2 model chunks "
                    + "per stage, got " + virtualStages);
        }
        if (schedule != PipelineSchedule.INTERLEAVED_1F1B && virtualStages != 1) {
            throw new BadInputException("parallel.virtual_stages: applies only to schedule interleaved_1f1b "
                    + "(got schedule " + schedule.wire() + " with virtual_stages " + virtualStages + ")");
        }
    }

    /** @return this layout with the stage counted replaced */
    public PipelineLayout withStage(StageChoice s) {
        return new PipelineLayout(schedule, virtualStages, s);
    }

    /**
     * Checks the layout against the model and the step.
     *
     * @param stages       p
     * @param totalLayers  L
     * @param microBatches m (grad_accum)
     * @throws BadInputException naming the field
     */
    public void check(int stages, int totalLayers, int microBatches) {
        int s = stage.resolve(stages);
        if (s >= stages) {
            throw new BadInputException("parallel.stage: must be worst, first, last or a stage index 0.."
                    + (stages - 1) + ", got " + stage.wire());
        }
        if (stages == 1) {
            return;                        // one stage: the schedule does not apply
        }
        if (schedule == PipelineSchedule.INTERLEAVED_1F1B) {
            if ((long) stages * virtualStages > totalLayers) {
                throw new BadInputException("parallel.virtual_stages: pipeline × virtual_stages (" + stages + " × "
                        + virtualStages + ") must be at most the number of layers (" + totalLayers + ")");
            }
            // Megatron-LM schedules.py: microbatch_group_size_per_vp_stage (p by default) must lie in [p, m], and
            // m mod p must be 0 or at least p, i.e. m a multiple of p
            if (microBatches % stages != 0) {
                throw new BadInputException("grad_accum: interleaved_1f1b runs the micro-batches in groups of "
                        + "pipeline (" + stages + ") per model chunk; grad_accum must be a multiple of it, got "
                        + microBatches);
            }
        }
    }
}
