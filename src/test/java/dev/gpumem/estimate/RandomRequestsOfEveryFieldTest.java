package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gpumem.estimate.RandomRequests.Coverage;
import dev.gpumem.estimate.parallel.StageChoice;
import dev.gpumem.input.BadInputException;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.RequestJson;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Random requests over every preset and request field (pipeline schedules and stages, sequence / context / expert
 * parallelism, DeepSpeed buckets, offload, precision policies, optimizer implementations, custom GPUs, accelerate
 * compat, ...): each is either estimated, with levels that nest (allocated ≤ reserved ≤ device in every phase), or
 * refused with one sentence that begins with the field it names. Anything else (a crash, an internal error, a
 * refusal that names no field, levels out of order) fails, with the line. And the live tensors at the peak grow
 * with the batch and the sequence.
 */
class RandomRequestsOfEveryFieldTest {
    /** "field: ...", "parallel.context: ...", "finetune.targets: ...", "a, b: ..." */
    private static final Pattern NAMES_A_FIELD = Pattern.compile("^[a-z_][a-z0-9_.]*(, [a-z_][a-z0-9_.]*)*: \\S.*");

    private final RequestJson requests = new RequestJson(GpuPresetsJson.load());
    private final ModelLoader loader = new ModelLoader();
    private final Map<String, Inventory> models = new HashMap<>();
    private final Estimator estimator = new Estimator();

    @Test
    void everyLineIsEstimatedWithNestedLevelsOrRefusedNamingItsField() {
        List<String> lines = RandomRequests.lines(29, 400, Coverage.ALL_FIELDS);
        int estimated = 0;
        for (String line : lines) {
            try {
                RunConfig cfg = requests.parse(line);
                Inventory inv = models.computeIfAbsent(cfg.model() + cfg.modelOverrides(),
                        k -> loader.load(cfg.model(), cfg.modelOverrides()));
                Estimate e = estimator.estimate(inv, cfg);
                assertTrue(!e.phases().isEmpty(), () -> "no phases: " + line);
                for (PhaseEstimate p : e.phases()) {
                    assertTrue(p.allocated() > 0 && p.allocated() <= p.reserved() && p.reserved() <= p.device(),
                            () -> p.phase() + " levels out of order (" + p.allocated() + ", " + p.reserved() + ", "
                                    + p.device() + "): " + line);
                }
                estimated++;
            } catch (BadInputException refused) {
                String m = refused.getMessage();
                assertTrue(m != null && NAMES_A_FIELD.matcher(m).matches() && !m.contains("\n"),
                        () -> "a refusal must be one sentence naming its field, got '" + m + "' for " + line);
            } catch (RuntimeException e) {
                fail("neither an estimate nor a refusal (" + e + "): " + line, e);
            }
        }
        // most lines are valid: a generator that only produced refusals would check nothing
        int valid = estimated;
        assertTrue(valid >= lines.size() / 2, () -> "only " + valid + " of " + lines.size() + " lines estimated");
    }

    /**
     * Every tensor of a training step grows or stays with the micro-batch and the sequence (a longer sequence at
     * most adds chunks of the loss), so the live tensors at the highest moment (torch's allocated figure less the
     * unsplit block remainders) never fall when the batch grows by one or the sequence doubles. One pipeline stage
     * is counted (pipeline lines that name their stage): under the default "worst" the stage with the highest
     * device peak is kept, which may change with the batch to a stage with fewer live tensors and more cached ones
     * (seed 13 has three such lines in 1,500).
     */
    @Test
    void theLiveTensorsAtThePeakNeverFallWhenTheBatchOrTheSequenceGrows() {
        int compared = 0;
        for (String line : RandomRequests.lines(31, 500, Coverage.ALL_FIELDS)) {
            RunConfig cfg;
            Inventory inv;
            long base;
            try {
                cfg = requests.parse(line);
                boolean worstStage = cfg.parallel().pipeline() > 1
                        && cfg.parallel().pipelineLayout().stage().kind() == StageChoice.Kind.WORST;
                if (cfg.task() != RunConfig.Task.TRAIN || worstStage) {
                    continue;
                }
                inv = models.computeIfAbsent(cfg.model() + cfg.modelOverrides(),
                        k -> loader.load(cfg.model(), cfg.modelOverrides()));
                base = livePeak(estimator.estimate(inv, cfg));
            } catch (BadInputException refused) {
                continue;
            }
            for (String grown : new String[] {
                    line.replaceFirst("\"batch\":\\d+", "\"batch\":" + (cfg.batch() + 1)),
                    line.replaceFirst("\"seq\":\\d+", "\"seq\":" + 2 * cfg.seq())}) {
                long more;
                try {
                    more = livePeak(estimator.estimate(inv, requests.parse(grown)));
                } catch (BadInputException refused) {
                    continue;                 // e.g. a doubled sequence beyond the model's positions
                }
                compared++;
                assertTrue(more >= base, () -> "live peak fell from " + base + " to " + more + " B: " + grown);
            }
        }
        int n = compared;
        assertTrue(n >= 200, () -> "only " + n + " comparisons");
    }

    /** @return the highest live-tensor sum of any phase: allocated less the unsplit block remainders */
    private static long livePeak(Estimate e) {
        long peak = 0;
        for (PhaseEstimate p : e.phases()) {
            long unsplit = p.terms().stream().filter(t -> t.name().equals("allocator.unsplit_remainders"))
                    .mapToLong(t -> t.bytes()).sum();
            peak = Math.max(peak, p.allocated() - unsplit);
        }
        return peak;
    }
}
