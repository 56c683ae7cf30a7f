package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.FinetuneMethod;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.Suggestions.Change;
import dev.gpumem.estimate.Suggestions.Tried;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import dev.gpumem.units.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    private final Estimator estimator = new Estimator();
    private final Inventory llama8b = new ModelLoader().load("llama-3.1-8b", Map.of());
    private final GpuSpec h100 = dev.gpumem.io.GpuPresetsJson.load().find("h100-80gb").orElseThrow().spec();

    private RunConfig llamaOnH100() {
        return RunConfig.training("llama-3.1-8b", Precision.AMP_BF16, Optimizer.ADAMW, 4, 2048).withGpu(h100);
    }

    private static List<String> labels(RunConfig c) {
        return Suggestions.candidates(c).stream().map(Change::label).toList();
    }

    @Test
    void leversAlreadyInEffectAreNotSuggested() {
        RunConfig plain = llamaOnH100();
        assertTrue(labels(plain).contains("checkpointing full"));
        assertTrue(labels(plain).contains("optimizer adamw-8bit"));
        RunConfig done = new RunConfig("", plain.model(), Map.of(), plain.task(), Precision.BF16, false,
                Optimizer.ADAMW_8BIT, 3, 2048, 1, Checkpointing.FULL, plain.attention(),
                new Finetune(FinetuneMethod.LORA, 8, 16, List.of("q_proj"), null), plain.parallel(), plain.options(),
                plain.inference(), h100, plain.compat());
        List<String> l = labels(done);
        assertFalse(l.contains("checkpointing full"));
        assertFalse(l.contains("optimizer adamw-8bit"));
        assertFalse(l.stream().anyMatch(s -> s.startsWith("finetune lora")));
        assertFalse(l.contains("precision bf16"));
        assertFalse(l.stream().anyMatch(s -> s.startsWith("batch ")), "odd batch 3 cannot be halved: " + l);
    }

    @Test
    void dataParallelRequestsGetTheShardingLevers() {
        RunConfig plain = llamaOnH100();
        RunConfig ddp = new RunConfig("", plain.model(), Map.of(), plain.task(), plain.precision(), false,
                plain.optimizer(), 4, 2048, 1, plain.checkpointing(), plain.attention(), plain.finetune(),
                new RunConfig.Parallel(8, 0, 1, 1), plain.options(), plain.inference(), h100, plain.compat());
        assertTrue(labels(ddp).containsAll(List.of("option ddp_bucket_view", "parallel.zero 1 over 8 ranks",
                "parallel.zero 2 over 8 ranks", "parallel.zero 3 over 8 ranks")), labels(ddp).toString());
        RunConfig zero2 = new RunConfig("", plain.model(), Map.of(), plain.task(), plain.precision(), false,
                plain.optimizer(), 4, 2048, 1, plain.checkpointing(), plain.attention(), plain.finetune(),
                new RunConfig.Parallel(8, 2, 1, 1), plain.options(), plain.inference(), h100, plain.compat());
        List<String> z = labels(zero2).stream().filter(l -> l.startsWith("parallel.") || l.contains("ddp")).toList();
        assertEquals(List.of("parallel.zero 3 over 8 ranks"), z);
        assertFalse(labels(plain).stream().anyMatch(l -> l.startsWith("parallel.")), "one GPU: nothing to shard");
    }

    @Test
    void theCombinationThatFitsIsWhatItSaysOnceReEstimated() {
        Suggestions.Result r = Suggestions.search(llamaOnH100(), c -> estimator.estimate(llama8b, c));
        assertFalse(r.request().fits());
        Tried c = r.combined();
        assertNotNull(c);
        assertTrue(c.fits(), c.changes().toString());
        assertTrue(c.peakDevice() <= h100.totalBytes());
        // rebuild the combination from its labels by hand, without the levers' own code
        RunConfig expected = llamaOnH100();
        for (String label : c.changes()) {
            expected = switch (label) {
                case "checkpointing full" -> new RunConfig("", expected.model(), Map.of(), expected.task(),
                        expected.precision(), false, expected.optimizer(), expected.batch(), expected.seq(),
                        expected.gradAccum(), Checkpointing.FULL, expected.attention(), expected.finetune(),
                        expected.parallel(), expected.options(), expected.inference(), h100, expected.compat());
                case "finetune lora (rank 8, q_proj + v_proj)" -> new RunConfig("", expected.model(), Map.of(),
                        expected.task(), expected.precision(), false, expected.optimizer(), expected.batch(),
                        expected.seq(), expected.gradAccum(), expected.checkpointing(), expected.attention(),
                        new Finetune(FinetuneMethod.LORA, 8, 16, List.of("q_proj", "v_proj"), null),
                        expected.parallel(), expected.options(), expected.inference(), h100, expected.compat());
                default -> throw new AssertionError("unexpected combination step " + label + " in " + c.changes());
            };
        }
        assertEquals(estimator.estimate(llama8b, expected).peak(Level.DEVICE).device(), c.peakDevice());
    }

    @Test
    void singleChangesAreSortedAndEachIsAFullEstimate() {
        Suggestions.Result r = Suggestions.search(llamaOnH100(), c -> estimator.estimate(llama8b, c));
        List<Tried> s = r.single();
        assertTrue(s.size() >= 8, s.toString());
        for (int i = 1; i < s.size(); i++) {
            assertTrue(s.get(i - 1).peakDevice() <= s.get(i).peakDevice());
        }
        for (Tried t : s) {
            assertEquals(1, t.changes().size());
            assertEquals(t.estimate().peak(Level.DEVICE).device(), t.peakDevice());
        }
        // full checkpointing never raises the peak (EstimatorPropertiesTest's property, here through the lever)
        Tried full = s.stream().filter(t -> t.changes().get(0).equals("checkpointing full")).findFirst()
                .orElseThrow();
        assertTrue(full.peakDevice() < r.request().peakDevice());
    }

    @Test
    void theSameLeverTwiceIsSaidOnceWithItsFinalSetting() {
        // Qwen3-0.6B at batch 8 × 4096 on an L4: halving the batch three times is the greedy path
        Inventory qwen3 = new ModelLoader().load("qwen3-0.6b", Map.of());
        GpuSpec l4 = dev.gpumem.io.GpuPresetsJson.load().find("l4-24gb").orElseThrow().spec();
        RunConfig r = RunConfig.training("qwen3-0.6b", Precision.BF16, Optimizer.ADAMW, 8, 4096).withGpu(l4);
        Tried c = Suggestions.search(r, x -> estimator.estimate(qwen3, x)).combined();
        assertTrue(c.fits(), c.changes().toString());
        long batchLevers = c.changes().stream().filter(l -> l.startsWith("batch ")).count();
        assertTrue(batchLevers <= 1, c.changes().toString());
        assertEquals(c.changes().size(), c.costs().size());
    }

    @Test
    void inferenceLeversAreTheKvCacheAndTheWeights() {
        RunConfig infer = new RunConfig("", "llama-3.1-8b", Map.of(), RunConfig.Task.INFERENCE, Precision.BF16,
                false, Optimizer.NONE, 1, 4096, 1, Checkpointing.NONE, RunConfig.AttentionKernel.SDPA,
                Finetune.FULL, RunConfig.Parallel.SINGLE, java.util.Set.of(),
                new RunConfig.Inference(64, 8192, DType.BF16), h100, RunConfig.Compat.NONE);
        assertEquals(List.of("inference.kv_cache_dtype fp8", "4-bit weights (bitsandbytes nf4)"), labels(infer));
        Suggestions.Result r = Suggestions.search(infer, c -> estimator.estimate(
                new ModelLoader().load(c.model(), c.modelOverrides()), c));
        for (Tried t : r.single()) {
            assertTrue(t.peakDevice() < r.request().peakDevice(), t.changes().toString());
        }
    }

    @Test
    void aGpuIsRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Suggestions.search(
                RunConfig.training("llama-3.1-8b", Precision.BF16, Optimizer.ADAMW, 1, 128),
                c -> estimator.estimate(llama8b, c)));
        assertEquals("gpu: required, the card the request has to fit", e.getMessage());
    }
}
