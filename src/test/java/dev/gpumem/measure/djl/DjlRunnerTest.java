package dev.gpumem.measure.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig;
import dev.gpumem.measure.MeasurementSession;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RunOutcome;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Architecture.StackKind;
import dev.gpumem.units.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Small, fast runs of the runner's code paths (not the 3 % check, which is {@link DjlStepMemoryTest}). */
class DjlRunnerTest {

    /** A tiny GQA decoder with untied head and biases: 4 heads over 2 KV heads, h 64, i 128, v 512. */
    static Architecture tiny(PositionKind positions, NormKind norm, MlpKind mlp, Activation act, boolean tied) {
        return new Architecture("tiny", StackKind.DECODER_ONLY, 64, 2, 0, 4, 2, 16, 128, 512, 64, norm, mlp, act,
                positions, true, true, tied, false, 0.0, 0.0, Architecture.Moe.NONE, Architecture.Head.causalLm(),
                Architecture.Quantization.NONE, DType.FP32);
    }

    static Profile run(Architecture a, RunConfig.Precision precision, RunConfig.Optimizer optimizer)
            throws InterruptedException {
        RunConfig c = DjlStepMemoryTest.request("tiny", optimizer, 2, 16);
        c = new RunConfig("", c.model(), c.modelOverrides(), c.task(), precision, false, optimizer, 2, 16, 1,
                c.checkpointing(), c.attention(), c.finetune(), c.parallel(), c.options(), c.inference(), null,
                c.compat());
        DjlRunner runner = DjlRunner.onCpu(Shapes.inventory(a), c);
        try (StatmProbe probe = new StatmProbe()) {
            MeasurementSession.Measurement m = new MeasurementSession(probe, new MeasurementSession.Setup("test",
                    "unknown", "localhost", runner.request(), null, 200, null)).run(runner);
            assertEquals(new RunOutcome.Completed(), m.outcome());
            return m.profile();
        }
    }

    @Test
    void readsTheRequestedBytesFromLibtorchOutOfMemoryMessages() {
        assertEquals(1073741824L, DjlRunner.requestedBytes(
                "DefaultCPUAllocator: not enough memory: you tried to allocate 1073741824 bytes."));
        // 2.00 GiB = 2·1024³ B
        assertEquals(2147483648L, DjlRunner.requestedBytes("CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0"));
        assertEquals(-1L, DjlRunner.requestedBytes("out of memory"));
    }

    @Test
    void marksTheSixTrainingPhasesInTimelineOrder() throws InterruptedException {
        Profile p = run(tiny(PositionKind.ROPE, NormKind.RMS_NORM, MlpKind.GATED, Activation.SILU, false),
                RunConfig.Precision.FP32, RunConfig.Optimizer.ADAMW);
        assertEquals(List.of("load", "forward", "loss", "backward", "optimizer_step", "second_step"),
                p.phases().stream().map(PhaseReading::phase).toList());
        assertEquals("djl", p.provenance().runner());
        assertEquals(2, p.request().modelOverrides().get("num_hidden_layers"));
    }

    @Test
    void runsLayerNormGeluAndLearnedPositionsWithAdam() throws InterruptedException {
        Profile p = run(tiny(PositionKind.LEARNED, NormKind.LAYER_NORM, MlpKind.PLAIN, Activation.GELU_TANH, true),
                RunConfig.Precision.FP32, RunConfig.Optimizer.ADAM);
        assertEquals(6, p.phases().size());
        assertTrue(p.events().stream().anyMatch(e -> e.message().startsWith("step time")));
    }

    @Test
    void runsSgdMomentumAndNoOptimizerWithReluMlp() throws InterruptedException {
        assertEquals(6, run(tiny(PositionKind.ROPE, NormKind.RMS_NORM, MlpKind.PLAIN, Activation.RELU, true),
                RunConfig.Precision.FP32, RunConfig.Optimizer.SGD_MOMENTUM).phases().size());
        assertEquals(6, run(tiny(PositionKind.ROPE, NormKind.RMS_NORM, MlpKind.GATED, Activation.GELU, false),
                RunConfig.Precision.FP32, RunConfig.Optimizer.NONE).phases().size());
    }
}
