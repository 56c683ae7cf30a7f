package dev.gpumem.estimate.step;

import dev.gpumem.estimate.Term;
import dev.gpumem.estimate.parallel.PipelineStage;
import dev.gpumem.estimate.timeline.TensorKind;
import dev.gpumem.estimate.timeline.Timeline;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A built timeline with what the estimate reports beside it.
 *
 * @param timeline        the events
 * @param layers          blocks on the counted rank
 * @param params          parameters of the model (adapters included)
 * @param trainableParams parameters that receive gradients
 * @param stage           the pipeline stage of the counted rank
 * @param host            what the run keeps in host memory instead (offload), one term per tensor kind; empty
 *                        without offload
 */
public record StepTimeline(Timeline timeline, int layers, long params, long trainableParams, PipelineStage stage,
                           List<Term> host) {
    public StepTimeline {
        host = List.copyOf(host);
    }

    /** Nothing in host memory. */
    public StepTimeline(Timeline timeline, int layers, long params, long trainableParams, PipelineStage stage) {
        this(timeline, layers, params, trainableParams, stage, List.of());
    }

    /** @return one term per kind of {@code tensors}: count·(one tensor's formula), in first-seen order */
    static List<Term> hostTerms(List<TensorKind> tensors) {
        Map<TensorKind, Integer> counts = new LinkedHashMap<>();
        for (TensorKind k : tensors) {
            counts.merge(k, 1, Integer::sum);
        }
        List<Term> out = new ArrayList<>(counts.size());
        counts.forEach((k, n) -> out.add(n == 1
                ? new Term(k.name(), k.component(), k.source(), k.formula(), k.values(), k.bytes())
                : new Term(k.name(), k.component(), k.source(), n + "·(" + k.formula() + ")",
                n + "·(" + k.values() + ")", Math.multiplyExact(k.bytes(), (long) n))));
        return out;
    }
}
