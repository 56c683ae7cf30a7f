package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Compat;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.Inference;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.RunConfig.RunOption;
import dev.gpumem.estimate.RunConfig.Task;
import dev.gpumem.model.Inventory;
import dev.gpumem.units.DType;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * generate() runs the prompt with logits_to_keep=1 (transformers >= 4.45): the prefill holds b·1·v logits, not b·s·v.
 * A large vocabulary (50,000) makes the logits the prefill's largest tensor; expected bytes by hand.
 */
class PrefillLogitsTest {
    private static final int B = 2;
    private static final int S = 64;
    private static final int V = 50_000;
    private final Estimator estimator = new Estimator();
    private final Inventory model = TinyModels.inventory(TinyModels.llama(64, 2, 4, 2, 16, 128, V));

    private Estimate infer(Set<RunOption> options) {
        return estimator.estimate(model, new RunConfig("i", "tiny", Map.of(), Task.INFERENCE, Precision.BF16, false,
                Optimizer.NONE, B, S, 1, Checkpointing.NONE, AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE,
                options, new Inference(B, 2 * S, DType.BF16), null, Compat.NONE));
    }

    private static long term(PhaseEstimate p, String name) {
        return p.terms().stream().filter(t -> t.name().equals(name)).mapToLong(Term::bytes).sum();
    }

    @Test
    void aPlainForwardHoldsLogitsForEveryPromptToken() {
        PhaseEstimate prefill = infer(Set.of(RunOption.PREFILL_ALL_LOGITS)).phase(Phase.PREFILL);
        assertEquals((long) B * S * V * 2, term(prefill, "logits"));           // 12,800,000 B, a multiple of 512
    }

    @Test
    void generateKeepsTheLastTokensLogitsOnly() {
        PhaseEstimate all = infer(Set.of(RunOption.PREFILL_ALL_LOGITS)).phase(Phase.PREFILL);
        PhaseEstimate last = infer(Set.of()).phase(Phase.PREFILL);
        long lastLogits = 200_192;                                  // b·1·v·2 = 200,000 B rounded up to 512
        long fp32Copy = 400_384;                                    // b·v·4 = 400,000 B rounded up to 512
        assertTrue(term(last, "logits") == 0 || term(last, "logits") == lastLogits, last.terms().toString());
        // the rest of the peak is the same tensors; at most the fp32 sampling copy is added
        long saved = all.allocated() - last.allocated();
        assertTrue(saved >= (long) B * S * V * 2 - lastLogits - fp32Copy && saved <= (long) B * S * V * 2,
                "saved " + saved);
    }

    @Test
    void prefillAllLogitsIsAnInferenceOption() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> estimator.estimate(model,
                EstimatorPropertiesTest.train(Precision.BF16, Optimizer.ADAMW, 1, 16, Checkpointing.NONE,
                        AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(RunOption.PREFILL_ALL_LOGITS),
                        1)));
        assertEquals("options: prefill_all_logits applies to task inference", e.getMessage());
    }
}
