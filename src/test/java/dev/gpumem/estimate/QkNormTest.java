package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Qwen3's q_norm / k_norm (RMSNorm over head_dim before RoPE, modeling_qwen3.py) keep what the block norms keep:
 * the fp32 copy of the projection, the fp32 rstd per head, and the normalised input in bf16 for the trained
 * weight. Qwen3-0.6B: 28 layers, 16 query and 8 key heads of 128; b = 1, s = 64, pure bf16. Hand arithmetic:
 * per layer q 64·16·128·4 + 64·16·4 + 64·16·128·2 = 790,528 B, k half of that = 395,264 B.
 */
class QkNormTest {
    private static final String QWEN3 = "src/test/resources/dev/gpumem/model/hf/configs/qwen3-0.6b.json";
    private final Estimator estimator = new Estimator();

    private Estimate train(Inventory inv, Precision p, Set<RunConfig.RunOption> options) {
        return estimator.estimate(inv, new RunConfig("t", QWEN3, Map.of(), RunConfig.Task.TRAIN, p, false,
                Optimizer.SGD, 1, 64, 1, Checkpointing.NONE, AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE,
                options, RunConfig.Inference.defaults(64), null, RunConfig.Compat.NONE));
    }

    private static long terms(PhaseEstimate p, String prefix) {
        return p.terms().stream().filter(t -> t.name().startsWith(prefix)).mapToLong(Term::bytes).sum();
    }

    @Test
    void qwen3KeepsTheQueryAndKeyNormsSavedTensors() {
        Inventory inv = new ModelLoader().load(QWEN3, Map.of());
        PhaseEstimate loss = train(inv, Precision.BF16, Set.of()).phase(Phase.LOSS);
        assertEquals(28L * 790_528, terms(loss, "attn.q_norm."));
        assertEquals(28L * 395_264, terms(loss, "attn.k_norm."));
    }

    @Test
    void underAmpTheFp32WeightPromotesTheNormOutputAndAttentionKeepsItsCast() {
        Inventory inv = new ModelLoader().load(QWEN3, Map.of());
        PhaseEstimate loss = train(inv, Precision.AMP_BF16, Set.of()).phase(Phase.LOSS);
        // the same saved set; the RoPE'd q/k (fp32) are cast back to bf16 for sdpa, which keeps the casts
        assertEquals(28L * 790_528, terms(loss, "attn.q_norm."));
        assertEquals(28L * 64 * 16 * 128 * 2, terms(loss, "attn.q_rope_cast"));
        assertEquals(0, terms(loss, "attn.q_rope") - terms(loss, "attn.q_rope_cast"));
    }

    @Test
    void gemma3sNormsCastBackSoAttentionNeedsNoCast() {
        // Gemma 3's q_norm: x.float() → normalised in fp32 (kept) → * (1 + w) → type_as(x): bf16 even under amp
        String gemma2 = "src/test/resources/dev/gpumem/model/hf/configs/gemma2-2b.json";
        Inventory inv = new ModelLoader().load(gemma2, Map.of("model_type", "gemma3_text", "num_hidden_layers", 2));
        PhaseEstimate loss = train(inv, Precision.AMP_BF16, Set.of()).phase(Phase.LOSS);
        assertEquals(2L * 64 * 8 * 256 * 4, terms(loss, "attn.q_norm.normalized_fp32"));   // L·b·s·a·d·4
        assertEquals(0, terms(loss, "attn.q_rope_cast"));
        assertEquals(2L * 64 * 8 * 256 * 2, terms(loss, "attn.q_rope"));                    // bf16, kept by sdpa
    }

    @Test
    void gemma3sNormInFp32MakesNoSecondFp32Output() {
        // x already fp32: x.float() and type_as(x) are x itself, so (x̂ · (1 + w)) is the only output tensor
        String gemma2 = "src/test/resources/dev/gpumem/model/hf/configs/gemma2-2b.json";
        Inventory inv = new ModelLoader().load(gemma2, Map.of("model_type", "gemma3_text", "num_hidden_layers", 2));
        for (Precision p : new Precision[] {Precision.FP32, Precision.AMP_BF16}) {
            RunConfig cfg = new RunConfig("t", gemma2, Map.of(), RunConfig.Task.TRAIN, p, false, Optimizer.SGD, 1,
                    64, 1, Checkpointing.NONE, AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(),
                    RunConfig.Inference.defaults(64), null, RunConfig.Compat.NONE);
            long copies = estimator.plan(inv, cfg).events().stream()
                    .filter(e -> e instanceof dev.gpumem.estimate.plan.PlanEvent.Alloc a
                            && a.name().equals("attn.q_norm.out_fp32"))
                    .count();
            // amp: bf16 activations, so the fp32 product is cast back: one per layer and forward (two steps)
            assertEquals(p == Precision.FP32 ? 0 : 2 * 2, copies, p.toString());
        }
    }

    @Test
    void compiledNormsKeepInputAndRstdOnly() {
        Inventory inv = new ModelLoader().load(QWEN3, Map.of());
        PhaseEstimate loss = train(inv, Precision.BF16, Set.of(RunConfig.RunOption.COMPILE)).phase(Phase.LOSS);
        assertEquals(28L * 64 * 16 * 4, terms(loss, "attn.q_norm."));      // rstd; the input is attn.q itself
    }

    @Test
    void llamaHasNone() {
        Inventory inv = new ModelLoader().load("llama-3.2-1b", Map.of("num_hidden_layers", 2));
        PhaseEstimate loss = train(inv, Precision.BF16, Set.of()).phase(Phase.LOSS);
        assertEquals(0, terms(loss, "attn.q_norm.") + terms(loss, "attn.k_norm."));
    }
}
