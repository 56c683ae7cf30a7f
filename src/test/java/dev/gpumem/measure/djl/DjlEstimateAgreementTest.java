package dev.gpumem.measure.djl;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Estimator;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.Term;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Inventory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The estimator's allocated level against the DJL step's measured resident memory, per phase, for the same three
 * shapes as {@link DjlStepMemoryTest}. CPU: the estimate's live tensors (no caching-allocator block remainders: each
 * host tensor is its own allocation), and its cuBLAS workspace term (a CUDA library buffer) has no CPU counterpart
 * and is left out. Phase loss ends where {@code loss.backward()} is called (the logits' gradient is
 * backward's), and tied embeddings keep three v·h gradients at the embedding's backward (see the package
 * documentation); both are modelled by the estimator. An estimator error fails the test.
 */
class DjlEstimateAgreementTest {

    static long estimatedOnCpu(PhaseEstimate p) {
        long workspace = 0;
        for (Term t : p.terms()) {
            if (t.component() == Component.WORKSPACE) {
                workspace += t.bytes();
            }
        }
        return p.liveTensors() - workspace;
    }

    static void assertAgrees(String shape, Architecture a, RunConfig c) throws InterruptedException {
        RunConfig asRun = DjlSupport.asRun(c, a);
        // the inventory the comparison would load from the recorded request (truncation, dropout off)
        Inventory inv = new dev.gpumem.model.hf.ModelLoader().load(c.model(), asRun.modelOverrides());
        // an estimator error is a failure of this test, never a skip: the estimator must handle every shape here
        Estimate e = new Estimator().estimate(inv, asRun);
        Profile p = DjlStepMemoryTest.measure(a, c);
        long base = p.baseline().processUsed();
        List<Executable> checks = new ArrayList<>();
        StringBuilder table = new StringBuilder(shape + " measured vs estimated allocated (MiB)\n");
        for (PhaseReading r : p.phases()) {
            Phase phase = Phase.parse(r.phase());
            long measured = r.peakProcess() - base;
            long est = estimatedOnCpu(e.phase(phase));
            double err = (est - measured) / (double) measured;
            table.append(String.format(Locale.ROOT, "  %-15s measured %9.1f estimated %9.1f error %+6.2f%%%n",
                    r.phase(), measured / 1048576.0, est / 1048576.0, 100 * err));
            checks.add(() -> assertTrue(Math.abs(err) <= 0.03, shape + " " + r.phase() + ": estimated " + est
                    + " B, measured " + measured + " B"));
        }
        System.out.print(table);
        assertAll(checks);
    }

    @Test
    void estimatorPredictsGpt2FourLayersAtSeq256WithAdamw() throws InterruptedException {
        assertAgrees("gpt2 L4 b1 s256 adamw", Shapes.gpt2(4), DjlStepMemoryTest.request("gpt2",
                RunConfig.Optimizer.ADAMW, 1, 256));
    }

    @Test
    void estimatorPredictsQwenTwoLayersAtSeq128WithSgdMomentum() throws InterruptedException {
        assertAgrees("qwen2.5-0.5b L2 b1 s128 sgd-momentum", Shapes.qwen25_05b(2),
                DjlStepMemoryTest.request("qwen2.5-0.5b", RunConfig.Optimizer.SGD_MOMENTUM, 1, 128));
    }

    static final String QWEN3 = "src/test/resources/dev/gpumem/model/hf/configs/qwen3-0.6b.json";

    @Test
    void estimatorPredictsQwen3TwoLayersAtSeq512WithSgd() throws InterruptedException {
        assertAgrees("qwen3-0.6b L2 b1 s512 sgd", Shapes.qwen3_06b(2, "qwen3"),
                DjlStepMemoryTest.request(QWEN3, RunConfig.Optimizer.SGD, 1, 512));
    }

    /**
     * The q/k norms alone: the same dimensions built with and without them (model_type llama), measured and
     * estimated, at the end of forward. The estimate counts, per layer, q's and k's projection outputs (the norm's
     * fp32 input) and their normalised copies (fp32 here) kept, plus the rstd; the DJL run also keeps pow's b·s·n
     * input beside the rstd (pow.Tensor_Tensor), a few KiB.
     */
    @Test
    void theQueryAndKeyNormsCostWhatTheEstimatorSays() throws InterruptedException {
        RunConfig withNorms = DjlStepMemoryTest.request(QWEN3, RunConfig.Optimizer.SGD, 1, 512);
        RunConfig without = withNorms.withModelOverrides(Map.of("model_type", "llama"));
        long estimated = partAgrees("q/k norms, qwen3-0.6b L2 b1 s512", Shapes.qwen3_06b(2, "qwen3"), withNorms,
                Shapes.qwen3_06b(2, "llama"), without);
        // 2 layers · (q 512·16·128·4 · 2 + k 512·8·128·4 · 2) = 24 MiB, plus rstd
        assertTrue(estimated > 24L << 20 && estimated < 25L << 20, "estimated " + estimated);
    }

    static final String GEMMA2 = "src/test/resources/dev/gpumem/model/hf/configs/gemma2-2b.json";

    private static RunConfig gemma2(Map<String, Object> overrides, int seq) {
        Map<String, Object> o = new java.util.HashMap<>(overrides);
        o.put("vocab_size", 32_000);                 // the 256k vocabulary would only make the run slow
        return DjlStepMemoryTest.request(GEMMA2, RunConfig.Optimizer.SGD, 1, seq).withModelOverrides(o);
    }

    @Test
    void estimatorPredictsGemma2TwoLayersAtSeq256WithSgd() throws InterruptedException {
        assertAgrees("gemma2-2b (v 32000) L2 b1 s256 sgd", Shapes.gemma2_2b(2, "gemma2", 32_000),
                gemma2(Map.of(), 256));
    }

    /**
     * Gemma 2's own block parts alone: the same dimensions as a Llama block (model_type llama, tied), measured and
     * estimated at the end of forward: two more norms a block (fp32 here: each keeps its input, the branch output,
     * and its normalised input) and the tanh output of the eager-score softcapping. (The logit softcapping's tanh is
     * in the loss phase, among b·s·v transients whose polled peak varies by tens of MiB from run to run on a busy
     * machine; GemmaNormsTest checks it by hand arithmetic.)
     */
    @Test
    void gemma2SandwichNormsAndScoreSoftcappingCostWhatTheEstimatorSays() throws InterruptedException {
        RunConfig g = gemma2(Map.of(), 512);
        RunConfig llama = gemma2(Map.of("model_type", "llama", "tie_word_embeddings", true), 512);
        long estimated = partAgrees("gemma2 block parts, L2 b1 s512 (v 32000)",
                Shapes.gemma2_2b(2, "gemma2", 32_000), g, Shapes.gemma2_2b(2, "llama", 32_000), llama);
        // per block: 2 norms · (input + normalised) 512·2304·4 B each, and the scores' tanh 8·512·512·4 B
        assertTrue(estimated >= 2L * (2 * 2 * 512 * 2304 * 4 + 8 * 512 * 512 * 4), "estimated " + estimated);
    }

    static final String PHI3 = "src/test/resources/dev/gpumem/model/hf/configs/phi3-mini.json";

    @Test
    void estimatorPredictsPhi3TwoLayersAtSeq256WithSgd() throws InterruptedException {
        assertAgrees("phi3-mini L2 b1 s256 sgd", Shapes.phi3Mini(2, "phi3"),
                DjlStepMemoryTest.request(PHI3, RunConfig.Optimizer.SGD, 1, 256));
    }

    /**
     * Phi-3's fused qkv_proj alone: the same dimensions with separate projections (model_type llama), measured and
     * estimated at the end of forward: the pre-RoPE q and k, kept with v, 2 · 256 · (32 + 32) · 96 · 4 B = 12 MiB.
     */
    @Test
    void aFusedQkvProjectionKeepsWhatTheEstimatorSays() throws InterruptedException {
        RunConfig fused = DjlStepMemoryTest.request(PHI3, RunConfig.Optimizer.SGD, 1, 256);
        RunConfig separate = fused.withModelOverrides(Map.of("model_type", "llama"));
        long estimated = partAgrees("fused qkv, phi3-mini L2 b1 s256", Shapes.phi3Mini(2, "phi3"), fused,
                Shapes.phi3Mini(2, "llama"), separate);
        assertEquals(2L * 256 * (32 + 32) * 96 * 4, estimated);
    }

    /**
     * One block part, measured as the difference of two runs' polled forward peaks (the model with the part, and
     * the same dimensions without it) and estimated the same way; both printed. They must agree within 10 % of the
     * estimate, or 4 MiB where that is more (the JVM's own resident memory moves by a few MiB between runs on a
     * busy machine; a part the estimate left out, or counted twice, is off by its whole size).
     *
     * @return the estimated bytes of the part
     */
    private static long partAgrees(String label, Architecture with, RunConfig withRun, Architecture without,
                                   RunConfig withoutRun) throws InterruptedException {
        long measured = forwardPeak(with, withRun) - forwardPeak(without, withoutRun);
        long estimated = estimatedForward(with, withRun) - estimatedForward(without, withoutRun);
        System.out.printf(Locale.ROOT, "%s at the end of forward: measured %.2f MiB, estimated %.2f MiB%n", label,
                measured / 1048576.0, estimated / 1048576.0);
        long tolerance = Math.max(estimated / 10, 4L << 20);
        assertTrue(Math.abs(measured - estimated) <= tolerance,
                "measured " + measured + " B, estimated " + estimated + " B, tolerance " + tolerance + " B");
        return estimated;
    }

    private static long forwardPeak(Architecture a, RunConfig c) throws InterruptedException {
        Profile p = DjlStepMemoryTest.measure(a, c);
        return p.phases().stream().filter(r -> r.phase().equals(Phase.FORWARD.wire())).findFirst().orElseThrow()
                .peakProcess() - p.baseline().processUsed();
    }

    private static long estimatedForward(Architecture a, RunConfig c) {
        RunConfig asRun = DjlSupport.asRun(c, a);
        Inventory inv = new dev.gpumem.model.hf.ModelLoader().load(c.model(), asRun.modelOverrides());
        return estimatedOnCpu(new Estimator().estimate(inv, asRun).phase(Phase.FORWARD));
    }

    @Test
    void estimatorPredictsGpt2TwoLayersAtSeq512BatchTwoWithSgd() throws InterruptedException {
        assertAgrees("gpt2 L2 b2 s512 sgd", Shapes.gpt2(2), DjlStepMemoryTest.request("gpt2",
                RunConfig.Optimizer.SGD, 2, 512));
    }
}
