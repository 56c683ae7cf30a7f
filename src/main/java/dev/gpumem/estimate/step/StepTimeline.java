package dev.gpumem.estimate.step;

import dev.gpumem.estimate.parallel.PipelineStage;
import dev.gpumem.estimate.timeline.Timeline;

/**
 * A built timeline with what the estimate reports beside it.
 *
 * @param timeline        the events
 * @param layers          blocks on the counted rank
 * @param params          parameters of the model (adapters included)
 * @param trainableParams parameters that receive gradients
 * @param stage           the pipeline stage of the counted rank
 */
public record StepTimeline(Timeline timeline, int layers, long params, long trainableParams, PipelineStage stage) {
}
