package dev.gpumem.measure.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.FinetuneMethod;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.model.Architecture;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DjlSupportTest {
    private static final Architecture LLAMA = Shapes.llama32_1b(2);

    private static RunConfig eager(Precision p, Optimizer o) {
        return new RunConfig("", "llama-3.2-1b", Map.of(), RunConfig.Task.TRAIN, p, false, o, 1, 256, 1,
                Checkpointing.NONE, AttentionKernel.EAGER, Finetune.FULL, RunConfig.Parallel.SINGLE, Set.of(),
                RunConfig.Inference.defaults(256), null, RunConfig.Compat.NONE);
    }

    private static String refusal(RunConfig c) {
        return assertThrows(IllegalArgumentException.class, () -> DjlSupport.check(c, LLAMA)).getMessage();
    }

    @Test
    void acceptsFp32WithTheOptimizersDjlCanHold() {
        for (Optimizer o : List.of(Optimizer.ADAM, Optimizer.ADAMW, Optimizer.SGD, Optimizer.SGD_MOMENTUM,
                Optimizer.NONE)) {
            DjlSupport.check(eager(Precision.FP32, o), LLAMA);
        }
    }

    @Test
    void refusesModelsWhoseOwnNormsTheLlamaBlocksWouldMiss() {
        Architecture olmo2 = Shapes.qwen3_06b(2, "olmo2");
        String m = assertThrows(IllegalArgumentException.class,
                () -> DjlSupport.check(eager(Precision.FP32, Optimizer.ADAMW), olmo2)).getMessage();
        assertTrue(m.startsWith("model: the djl backend builds Llama-style blocks without olmo2's own norms"), m);
        DjlSupport.check(eager(Precision.FP32, Optimizer.ADAMW), Shapes.qwen3_06b(2, "qwen3"));   // built
        DjlSupport.check(eager(Precision.FP32, Optimizer.ADAMW), Shapes.gemma2_2b(2, "gemma2", 32_000));
    }

    @Test
    void refusesFp16BecauseDjlCastsAreNotDifferentiable() {
        String m = refusal(eager(Precision.FP16, Optimizer.ADAMW));
        assertTrue(m.startsWith("precision:") && m.contains("accepts fp32"), m);
    }

    @Test
    void refusesBf16BecauseItAbortsTheJniNamingThePrecisionField() {
        String m = refusal(eager(Precision.BF16, Optimizer.ADAMW));
        assertTrue(m.startsWith("precision:") && m.contains("accepts fp32"), m);
    }

    @Test
    void refusesAmpBecauseDjlHasNoAutocast() {
        assertTrue(refusal(eager(Precision.AMP_BF16, Optimizer.ADAMW)).startsWith("precision:"));
    }

    @Test
    void refusesSdpaCheckpointingLoraAndEightBitAdamEachWithItsField() {
        RunConfig base = eager(Precision.FP32, Optimizer.ADAMW);
        RunConfig sdpa = new RunConfig("", base.model(), Map.of(), base.task(), base.precision(), false,
                base.optimizer(), 1, 256, 1, Checkpointing.NONE, AttentionKernel.SDPA, Finetune.FULL,
                base.parallel(), Set.of(), base.inference(), null, base.compat());
        assertTrue(refusal(sdpa).startsWith("attention:"));
        RunConfig ckpt = new RunConfig("", base.model(), Map.of(), base.task(), base.precision(), false,
                base.optimizer(), 1, 256, 1, Checkpointing.FULL, AttentionKernel.EAGER, Finetune.FULL,
                base.parallel(), Set.of(), base.inference(), null, base.compat());
        assertTrue(refusal(ckpt).startsWith("checkpointing:"));
        RunConfig lora = new RunConfig("", base.model(), Map.of(), base.task(), base.precision(), false,
                base.optimizer(), 1, 256, 1, Checkpointing.NONE, AttentionKernel.EAGER,
                new Finetune(FinetuneMethod.LORA, 8, 16, List.of("q_proj"), null), base.parallel(), Set.of(),
                base.inference(), null, base.compat());
        assertTrue(refusal(lora).startsWith("finetune:"));
        assertTrue(refusal(eager(Precision.FP32, Optimizer.ADAMW_8BIT)).startsWith("optimizer:"));
    }

    @Test
    void refusesInferenceAndMultiDeviceRuns() {
        RunConfig base = eager(Precision.FP32, Optimizer.ADAMW);
        RunConfig inference = new RunConfig("", base.model(), Map.of(), RunConfig.Task.INFERENCE, base.precision(),
                false, base.optimizer(), 1, 256, 1, Checkpointing.NONE, AttentionKernel.EAGER, Finetune.FULL,
                base.parallel(), Set.of(), base.inference(), null, base.compat());
        assertTrue(refusal(inference).startsWith("task:"));
        RunConfig zero = new RunConfig("", base.model(), Map.of(), base.task(), base.precision(), false,
                base.optimizer(), 1, 256, 1, Checkpointing.NONE, AttentionKernel.EAGER, Finetune.FULL,
                new RunConfig.Parallel(8, 3, 1, 1), Set.of(), base.inference(), null, base.compat());
        assertTrue(refusal(zero).startsWith("parallel:"));
    }

    @Test
    void theRecordedRequestNamesTheTruncationThatRan() {
        RunConfig asRun = DjlSupport.asRun(eager(Precision.FP32, Optimizer.SGD), LLAMA);
        assertEquals(2, asRun.modelOverrides().get("num_hidden_layers"));
    }

    @Test
    void theRecordedRequestTurnsGpt2DropoutOffUnderItsOwnKeys() {
        RunConfig asRun = DjlSupport.asRun(eager(Precision.FP32, Optimizer.SGD), Shapes.gpt2(4));
        assertEquals(0.0, asRun.modelOverrides().get("attn_pdrop"));
        assertEquals(0.0, asRun.modelOverrides().get("resid_pdrop"));
        assertEquals(0.0, asRun.modelOverrides().get("embd_pdrop"));
        assertEquals(4, asRun.modelOverrides().get("num_hidden_layers"));
    }

    @Test
    void layersOptionSetsNumHiddenLayersAndRejectsZero() {
        assertEquals(3, DjlSupport.truncated(eager(Precision.FP32, Optimizer.SGD), 3).modelOverrides()
                .get("num_hidden_layers"));
        assertThrows(IllegalArgumentException.class,
                () -> DjlSupport.truncated(eager(Precision.FP32, Optimizer.SGD), 0));
    }
}
