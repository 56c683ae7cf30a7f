package dev.gpumem.measure.djl;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.measure.MeasurementSession;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RunOutcome;
import dev.gpumem.model.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Runs the real DJL training step on the CPU, measures resident memory per phase and checks every phase's peak
 * (over the runtime's baseline) against the hand-written tensor account of {@link StepLedger}, within 3 %, and
 * the estimator's allocated level (its CUDA workspace left out) where the generic model covers this workload.
 */
class DjlStepMemoryTest {

    static RunConfig request(String model, RunConfig.Optimizer optimizer, int batch, int seq) {
        RunConfig c = RunConfig.training(model, RunConfig.Precision.FP32, optimizer, batch, seq);
        return new RunConfig("", c.model(), c.modelOverrides(), c.task(), c.precision(), false, c.optimizer(),
                batch, seq, 1, RunConfig.Checkpointing.NONE, RunConfig.AttentionKernel.EAGER, c.finetune(),
                c.parallel(), c.options(), c.inference(), null, c.compat());
    }

    static Profile measure(Architecture a, RunConfig c) throws InterruptedException {
        DjlRunner runner = DjlRunner.onCpu(Shapes.inventory(a), c);
        try (StatmProbe probe = new StatmProbe()) {
            MeasurementSession.Measurement m = new MeasurementSession(probe, new MeasurementSession.Setup("test",
                    "unknown", "localhost", runner.request(), null, 1000, null)).run(runner);
            assertEquals(new RunOutcome.Completed(), m.outcome());
            return m.profile();
        }
    }

    /**
     * Phases where the generic estimator and this workload agree within 3 %: all of them, since the estimator
     * models the tied embedding's buffered gradient and counts the logits' gradient in backward (as this runner
     * marks it); DjlEstimateAgreementTest states the same check on its own.
     */
    private static final java.util.Set<Phase> ESTIMATOR_AGREES = java.util.EnumSet.of(Phase.LOAD, Phase.FORWARD,
            Phase.LOSS, Phase.BACKWARD, Phase.OPTIMIZER_STEP, Phase.SECOND_STEP);

    static void assertWithin3Percent(String shape, Architecture a, RunConfig c) throws InterruptedException {
        Profile p = measure(a, c);
        Map<Phase, Long> expected = StepLedger.expected(a, c);
        RunConfig asRun = DjlSupport.asRun(c, a);
        dev.gpumem.estimate.Estimate estimate = new dev.gpumem.estimate.Estimator().estimate(
                new dev.gpumem.model.hf.ModelLoader().load(c.model(), asRun.modelOverrides()), asRun);
        long base = p.baseline().processUsed();
        List<Executable> checks = new ArrayList<>();
        StringBuilder table = new StringBuilder(shape + " (MiB over baseline)\n");
        for (PhaseReading r : p.phases()) {
            Phase phase = Phase.parse(r.phase());
            long measured = r.peakProcess() - base;
            long want = expected.get(phase);
            double err = (measured - want) / (double) want;
            long est = DjlEstimateAgreementTest.estimatedOnCpu(estimate.phase(phase));
            double estErr = (est - measured) / (double) measured;
            table.append(String.format(Locale.ROOT, "  %-15s measured %9.1f expected %9.1f error %+6.2f%%"
                            + "   estimator %9.1f error %+7.2f%%%n", r.phase(), measured / 1048576.0,
                    want / 1048576.0, 100 * err, est / 1048576.0, 100 * estErr));
            if (ESTIMATOR_AGREES.contains(phase)) {
                checks.add(() -> assertTrue(Math.abs(estErr) <= 0.03, shape + " " + r.phase() + ": estimator "
                        + est + " B, measured " + measured + " B"));
            }
            checks.add(() -> assertTrue(Math.abs(err) <= 0.03, shape + " " + r.phase() + ": measured "
                    + measured + " B, expected " + want + " B (" + String.format(Locale.ROOT, "%+.2f%%", 100 * err)
                    + ")"));
        }
        p.events().stream().filter(e -> e.message().startsWith("step time") || e.kind()
                == dev.gpumem.measure.RunEvent.Kind.SAMPLE_RATE).forEach(e -> table.append("  ").append(e.message())
                .append('\n'));
        System.out.print(table);
        assertEquals(6, p.phases().size(), "six phases");
        assertAll(checks);
    }

    @Test
    void gpt2FourLayersAtSeq256WithAdamwMatchesTheTensorAccount() throws InterruptedException {
        assertWithin3Percent("gpt2 L4 b1 s256 adamw", Shapes.gpt2(4),
                request("gpt2", RunConfig.Optimizer.ADAMW, 1, 256));
    }

    @Test
    void qwenTwoLayersAtSeq128WithSgdMomentumMatchesTheTensorAccount() throws InterruptedException {
        assertWithin3Percent("qwen2.5-0.5b L2 b1 s128 sgd-momentum", Shapes.qwen25_05b(2),
                request("qwen2.5-0.5b", RunConfig.Optimizer.SGD_MOMENTUM, 1, 128));
    }

    @Test
    void gpt2TwoLayersAtSeq512BatchTwoWithSgdMatchesTheTensorAccount() throws InterruptedException {
        assertWithin3Percent("gpt2 L2 b2 s512 sgd", Shapes.gpt2(2), request("gpt2", RunConfig.Optimizer.SGD, 2, 512));
    }
}
