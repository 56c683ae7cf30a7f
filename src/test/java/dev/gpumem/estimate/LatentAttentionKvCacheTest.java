package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Compat;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.Inference;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.RunConfig.Task;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import dev.gpumem.units.DType;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * DeepSeek-V2-Lite's KV cache as transformers' DynamicCache holds it: {@code past_key_values.update(key_states,
 * value_states)} in DeepseekV3Attention.forward (modeling_deepseek_v3.py @00b676f) caches the decompressed keys at
 * qk_nope + qk_rope = 192 and the values at v_head_dim = 128 per head, not both at 192.
 */
class LatentAttentionKvCacheTest {
    static final String V2_LITE = "src/test/resources/dev/gpumem/model/hf/configs/deepseek-v2-lite.json";

    @Test
    void theCacheHoldsKeysAtTheQueryKeyWidthAndValuesAtTheValueWidth() {
        Inventory inv = new ModelLoader().load(V2_LITE, Map.of());
        RunConfig cfg = new RunConfig("i", V2_LITE, Map.of(), Task.INFERENCE, Precision.BF16, false, Optimizer.NONE, 1,
                512, 1, Checkpointing.NONE, AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(),
                new Inference(1, 1024, DType.BF16), null, Compat.NONE);
        Estimate e = new Estimator().estimate(inv, cfg);
        for (Phase phase : new Phase[] {Phase.PREFILL, Phase.DECODE}) {
            // every cached block holds K at 1·16·t·192 and V at 1·16·t·128 values: K : V = 3 : 2 in every phase
            long k = cached(e, phase, "kv_cache.k");
            long v = cached(e, phase, "kv_cache.v");
            assertTrue(k > 0, phase + " has a cache");
            assertEquals(2 * k, 3 * v, phase + ": K " + k + " B, V " + v + " B");
        }
        // decode peak: 27 blocks of V at ctx 1,024 (1·16·1024·128·2 B = 4,194,304 B each), plus at most the last
        // block's prompt-length V (1·16·512·128·2 B) that torch.cat has not released yet
        long v = cached(e, Phase.DECODE, "kv_cache.v");
        long grown = 27L * 16 * 1024 * 128 * 2;
        assertTrue(v == grown || v == grown + 16L * 512 * 128 * 2, "decode V cache " + v);
    }

    private static long cached(Estimate e, Phase phase, String name) {
        return e.phase(phase).terms().stream().filter(t -> t.name().equals(name)).mapToLong(Term::bytes).sum();
    }
}
