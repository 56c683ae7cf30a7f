package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.model.hf.ModelLoader;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Phi-3's {@code qkv_proj} makes q, k and v as slices of one tensor (modeling_phi3.py: {@code qkv[..., :query_pos]}
 * ...); RoPE makes new q and k, but attention keeps v, a view, so the whole projection stays alive: q's and k's
 * pre-RoPE bytes too. Phi-3-mini: 32 layers, 32 query and 32 key heads of 96; b = 1, s = 64, pure bf16:
 * 32 · 64 · (32 + 32) · 96 · 2 B. A Llama block (separate projections) frees them after RoPE.
 */
class FusedQkvTest {
    private final Estimator estimator = new Estimator();

    private PhaseEstimate loss(String model, Map<String, Object> overrides) {
        return estimator.estimate(new ModelLoader().load(model, overrides), new RunConfig("t", model, overrides,
                RunConfig.Task.TRAIN, Precision.BF16, false, Optimizer.SGD, 1, 64, 1, Checkpointing.NONE,
                AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(), RunConfig.Inference.defaults(64),
                null, RunConfig.Compat.NONE)).phase(Phase.LOSS);
    }

    private static long terms(PhaseEstimate p, String... names) {
        return p.terms().stream().filter(t -> Set.of(names).contains(t.name())).mapToLong(Term::bytes).sum();
    }

    @Test
    void aFusedProjectionKeepsThePreRopeQueriesAndKeysAlive() {
        PhaseEstimate phi3 = loss("src/test/resources/dev/gpumem/model/hf/configs/phi3-mini.json", Map.of());
        assertEquals(32L * 64 * (32 + 32) * 96 * 2, terms(phi3, "attn.q", "attn.k"));
    }

    @Test
    void separateProjectionsFreeThem() {
        PhaseEstimate llama = loss("llama-3.2-1b", Map.of("num_hidden_layers", 2));
        assertEquals(0, terms(llama, "attn.q", "attn.k"));
    }
}
