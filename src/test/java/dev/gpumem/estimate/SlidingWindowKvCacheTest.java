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
import dev.gpumem.model.hf.ModelLoader;
import dev.gpumem.units.DType;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The KV cache of sliding-window blocks when decoding: transformers' DynamicSlidingWindowLayer (cache_utils.py
 * @004999d) keeps a view of the last window - 1 positions of the {@code torch.cat} of the old cache and the new
 * token, so a block holds its window, not the whole context; generate() builds the cache with the model's config
 * ({@code DynamicCache(config=...)}, generation/utils.py), which makes the sliding blocks such layers.
 */
class SlidingWindowKvCacheTest {
    static final String GEMMA2 = "src/test/resources/dev/gpumem/model/hf/configs/gemma2-2b.json";

    private static long decodeK(Map<String, Object> overrides, int ctx) {
        RunConfig cfg = new RunConfig("i", GEMMA2, overrides, Task.INFERENCE, Precision.BF16, false, Optimizer.NONE, 1,
                2048, 1, Checkpointing.NONE, AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(),
                new Inference(1, ctx, DType.BF16), null, Compat.NONE);
        Estimate e = new Estimator().estimate(new ModelLoader().load(GEMMA2, overrides), cfg);
        return e.phase(Phase.DECODE).terms().stream().filter(t -> t.name().equals("kv_cache.k"))
                .mapToLong(Term::bytes).sum();
    }

    @Test
    void gemma2sSlidingBlocksCacheTheirWindowAndTheOthersTheContext() {
        // gemma-2-2b: 26 blocks, 13 sliding (window 4096), kv 4 heads of d 256, bf16, b 1, ctx 32,768:
        // full   13 · 1·4·32768·256·2 B = 872,415,232 B
        // window 13 · 1·4·4096·256·2 B  = 109,051,904 B
        // plus at most one block's prompt-length K (1·4·2048·256·2 B = 4,194,304 B) torch.cat has not released
        long k = decodeK(Map.of(), 32768);
        long expected = 872_415_232L + 109_051_904L;
        assertTrue(k == expected || k == expected + 4_194_304L, "decode K " + k);
    }

    @Test
    void aContextWithinTheWindowIsCachedWhole() {
        // ctx 4096 <= window 4096: every block holds 1·4·4096·256·2 B = 8,388,608 B of K
        long k = decodeK(Map.of(), 4096);
        long expected = 26L * 8_388_608L;
        assertTrue(k == expected || k == expected + 4_194_304L, "decode K " + k);
    }

    @Test
    void theWindowNeverMakesTheCacheLarger() {
        for (int ctx : new int[] {2048, 4096, 8192, 65536}) {
            long windowed = decodeK(Map.of(), ctx);
            long full = decodeK(Map.of("layer_types", java.util.Collections.nCopies(26, "full_attention")), ctx);
            assertTrue(windowed <= full, "ctx " + ctx + ": " + windowed + " > " + full);
            if (ctx <= 4096) {
                assertEquals(full, windowed);
            }
        }
    }
}
