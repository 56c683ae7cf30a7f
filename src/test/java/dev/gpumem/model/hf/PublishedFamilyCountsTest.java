package dev.gpumem.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.model.Architecture;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.TensorSpec;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The families added for issue 11 §3, each against its published parameter count (rounded as the publication
 * rounds it) and, where the shapes are simple, the hand arithmetic of its module tree. The fixtures are the
 * models' config.json files as published on the Hugging Face Hub (repository named in each test).
 */
class PublishedFamilyCountsTest {

    private static boolean has(Inventory inv, String name) {
        return inv.tensors().stream().anyMatch(t -> t.name().equals(name));
    }

    private static TensorSpec tensor(Inventory inv, String name) {
        return inv.tensors().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no tensor " + name));
    }

    /** @return {@code count} rounded to {@code unit}, as a model card rounds it ("7.72B" = 772 at 1e7) */
    private static long rounded(long count, long unit) {
        return Math.round((double) count / unit);
    }

    @Test
    void originalQwen7bHasFusedQkvWithBiasAndHalvedMlpWidth() {
        // Qwen/Qwen-7B config.json; modeling_qwen.py: c_attn [3h, h] + bias, c_proj no bias, w1/w2 [ff/2, h]
        long h = 4096, v = 151_936, ff = 22_016 / 2;
        long block = 3 * h * h + 3 * h + h * h + 3 * h * ff + 2 * h;
        long expected = 32 * block + 2 * v * h + h;
        Inventory inv = Fixtures.load("qwen-7b");
        assertEquals(expected, inv.parameterCount());
        assertEquals(772, rounded(inv.parameterCount(), 10_000_000L));  // Qwen/Qwen-7B model page: 7.72B params
        assertTrue(has(inv, "transformer.h.0.attn.c_attn.bias"));
        assertFalse(has(inv, "transformer.h.0.attn.c_proj.bias"));
        assertEquals(11_008, inv.architecture().intermediateSize());
        assertEquals(0, inv.warnings().size(), inv.warnings().toString());
    }

    @Test
    void granite3Point0Is8Point17BillionWithTiedEmbeddings() {
        // ibm-granite/granite-3.0-8b-base config.json; model page: 8.17B params
        long h = 4096, kv = 1024, ff = 12_800, v = 49_155;
        long expected = 40 * (2 * h * h + 2 * h * kv + 3 * h * ff + 2 * h) + v * h + h;
        Inventory inv = Fixtures.load("granite-3.0-8b");
        assertEquals(expected, inv.parameterCount());
        assertEquals(817, rounded(inv.parameterCount(), 10_000_000L));
        assertEquals("granite", inv.architecture().modelType());
        assertEquals(0, inv.warnings().size(), inv.warnings().toString());
    }

    @Test
    void commandRIsAParallelBlockOfThirtyFiveBillion() {
        // CohereForAI/c4ai-command-r-v01 config.json; model card: "a 35 billion parameter" model
        long h = 8192, ff = 22_528, v = 256_000;
        long expected = 40 * (4 * h * h + 3 * h * ff + h) + v * h + h;
        Inventory inv = Fixtures.load("command-r-v01");
        assertEquals(expected, inv.parameterCount());
        assertEquals(35, rounded(inv.parameterCount(), 1_000_000_000L));
        assertTrue(inv.architecture().parallelBlock());
        assertEquals(Architecture.NormKind.LAYER_NORM, inv.architecture().norm());
        assertFalse(has(inv, "model.layers.0.post_attention_layernorm.weight"));
    }

    @Test
    void commandRPlusHasPerHeadQkNormsAndOneHundredFourBillion() {
        // CohereForAI/c4ai-command-r-plus config.json; model card: "a 104B billion parameter model"
        long h = 12_288, kv = 1024, ff = 33_792, v = 256_000;
        long expected = 64 * (2 * h * h + 2 * h * kv + 96 * 128 + 8 * 128 + 3 * h * ff + h) + v * h + h;
        Inventory inv = Fixtures.load("command-r-plus");
        assertEquals(expected, inv.parameterCount());
        assertEquals(104, rounded(inv.parameterCount(), 1_000_000_000L));
        assertEquals(java.util.List.of(96L, 128L), tensor(inv, "model.layers.0.self_attn.q_norm.weight").shape());
    }

    @Test
    void internLm2SevenBHasOneFusedWqkvPerBlock() {
        // internlm/internlm2-7b config.json; model page: 7.74B params
        long h = 4096, ff = 14_336, v = 92_544;
        long wqkv = (32 + 2 * 8) * 128 * h;
        long expected = 32 * (wqkv + h * h + 3 * h * ff + 2 * h) + 2 * v * h + h;
        Inventory inv = Fixtures.load("internlm2-7b");
        assertEquals(expected, inv.parameterCount());
        assertEquals(774, rounded(inv.parameterCount(), 10_000_000L));
        assertEquals(java.util.List.of(6144L, 4096L), tensor(inv, "model.layers.0.attention.wqkv.weight").shape());
        assertTrue(has(inv, "output.weight"));
    }

    @Test
    void olmoeHasSixtyFourExpertsInEveryBlockAndSixPointNineBillion() {
        // allenai/OLMoE-1B-7B-0924 config.json; model page 6.92B params (paper: "6.9B total, 1.3B active")
        long h = 2048, ff = 1024, v = 50_304, e = 64;
        long block = 4 * h * h + 2 * h + e * h + e * 3 * h * ff + 2 * h;
        long expected = 16 * block + 2 * v * h + h;
        Inventory inv = Fixtures.load("olmoe-1b-7b-0924");
        assertEquals(expected, inv.parameterCount());
        assertEquals(692, rounded(inv.parameterCount(), 10_000_000L));
        assertEquals(new Architecture.Moe(64, 8, 1024, 0, 0), inv.architecture().moe());
    }

    @Test
    void gptOss20bAnd120bMatchTheModelCardTotals() {
        // openai/gpt-oss-20b and -120b config.json; gpt-oss model card (OpenAI, 2025) table 1:
        // 20.91B and 116.83B total parameters
        Inventory small = Fixtures.load("gpt-oss-20b");
        Inventory large = Fixtures.load("gpt-oss-120b");
        long h = 2880, v = 201_088, ie = 2880;
        long attn = h * 4096 + 4096 + 2 * (h * 512 + 512) + 4096 * h + h + 64;
        long experts32 = 32 * (h * 2 * ie + 2 * ie + ie * h + h) + 32 * h + 32;
        long expected = 24 * (attn + experts32 + 2 * h) + 2 * v * h + h;
        assertEquals(expected, small.parameterCount());
        assertEquals(2091, rounded(small.parameterCount(), 10_000_000L));
        assertEquals(11_683, rounded(large.parameterCount(), 10_000_000L));
        assertEquals(java.util.List.of(32L, 2880L, 5760L),
                tensor(small, "model.layers.0.mlp.experts.gate_up_proj").shape());
        assertEquals(64, tensor(small, "model.layers.0.self_attn.sinks").numel());
        assertTrue(small.warnings().stream().anyMatch(w -> w.contains("12 of 24")), small.warnings().toString());
    }

    @Test
    void mt5SmallAndBaseMatchThePaperSizes() {
        // google/mt5-small and google/mt5-base config.json; mT5 paper (Xue et al. 2021) table: 300M and 580M
        long d = 512, ff = 1024, v = 250_112, inner = 384;
        long enc = 4 * d * inner + 3 * d * ff + 2 * d;
        long dec = 8 * d * inner + 3 * d * ff + 3 * d;
        long expected = 8 * enc + 8 * dec + 2 * 32 * 6 + 2 * d + 2 * v * d;   // untied lm_head
        Inventory small = Fixtures.load("mt5-small");
        assertEquals(expected, small.parameterCount());
        assertEquals(300, rounded(small.parameterCount(), 1_000_000L));
        assertEquals(58, rounded(Fixtures.load("mt5-base").parameterCount(), 10_000_000L));
        assertTrue(has(small, "lm_head.weight"));
    }

    @Test
    void umt5GivesEverySelfAttentionItsOwnRelativeBias() {
        // google/umt5-small config.json; modeling_umt5.py: relative_attention_bias in every self-attention
        Inventory inv = Fixtures.load("umt5-small");
        Inventory mt5 = Fixtures.load("mt5-small");
        long vocabDelta = 2L * (256_384 - 250_112) * 512;
        long extraBiases = (7 + 7) * 32L * 6;
        assertEquals(mt5.parameterCount() + vocabDelta + extraBiases, inv.parameterCount());
        assertTrue(has(inv, "decoder.block.7.layer.0.SelfAttention.relative_attention_bias.weight"));
        assertFalse(has(inv, "decoder.block.7.layer.1.EncDecAttention.relative_attention_bias.weight"));
    }

    @Test
    void llama4MaverickTextIsFourHundredBillionWithInterleavedMoe() {
        // meta-llama/Llama-4-Maverick-17B-128E text_config; Meta's model card: 400B total parameters
        long h = 5120, v = 202_048, ie = 8192, dense = 16_384;
        long attn = 2 * h * h + 2 * h * 1024;
        long moe = 128 * h + 128 * 3 * h * ie + 3 * h * ie;
        long expected = 48 * (attn + 2 * h) + 24 * moe + 24 * 3 * h * dense + 2 * v * h + h;
        Inventory inv = Fixtures.load("llama4-maverick-text");
        assertEquals(expected, inv.parameterCount());
        assertEquals(40, rounded(inv.parameterCount(), 10_000_000_000L));    // "400B"
        assertTrue(has(inv, "model.layers.0.feed_forward.gate_proj.weight"));
        assertTrue(has(inv, "model.layers.1.feed_forward.experts.gate_up_proj"));
        // interleave_moe_layer_step 2: blocks 1, 3, ..., 47 are MoE, the even ones dense
        assertEquals(IntStream.range(0, 48).filter(i -> i % 2 == 0).boxed().toList(),
                inv.architecture().moe().denseBlocks());
    }

    @Test
    void llama4ScoutTextLacksOnlyTheVisionTowerOfTheHundredNineBillion() {
        // meta-llama/Llama-4-Scout-17B-16E text_config: 16 experts in every block. Meta's "109B total" counts
        // the vision encoder and projector too; the language model alone is 107.77B by hand.
        long h = 5120, v = 202_048, ie = 8192;
        long block = 2 * h * h + 2 * h * 1024 + 2 * h + 16 * h + 16 * 3 * h * ie + 3 * h * ie;
        long expected = 48 * block + 2 * v * h + h;
        Inventory inv = Fixtures.load("llama4-scout-text");
        assertEquals(expected, inv.parameterCount());
        assertEquals(10_777, rounded(inv.parameterCount(), 10_000_000L));
        assertEquals(List.of(), inv.architecture().moe().denseBlocks());          // MoE in every block
    }

    @Test
    void qwen25Vl7bIsTheQwen25LanguageModelPlusItsVisionTower() {
        // Qwen/Qwen2.5-VL-7B-Instruct config.json; model page: 8.29B params
        long e = 1280, ff = 3420, merged = 4 * e;
        long block = 2 * e + (3 * e * e + 3 * e) + (e * e + e) + 2 * (ff * e + ff) + (e * ff + e);
        long vision = e * 3 * 2 * 14 * 14 + 32 * block + e + (merged * merged + merged) + (3584 * merged + 3584);
        long text = 7_615_616_512L;                                  // Qwen2.5-7B, asserted in PresetParameterCountsTest
        Inventory inv = Fixtures.load("qwen2.5-vl-7b");
        assertEquals(text + vision, inv.parameterCount());
        assertEquals(829, rounded(inv.parameterCount(), 10_000_000L));
        assertEquals(Architecture.HeadKind.CAUSAL_LM, inv.architecture().head().kind());
        assertTrue(inv.warnings().stream().anyMatch(w -> w.contains(vision + " parameters")), inv.warnings().toString());
    }

    @Test
    void qwen2Vl7bHasALayerNormPlainMlpVisionTower() {
        // Qwen/Qwen2-VL-7B-Instruct config.json; model page: 8.29B params
        long e = 1280, ff = 4 * e, merged = 4 * e;
        long block = 4 * e + (3 * e * e + 3 * e) + (e * e + e) + (ff * e + ff) + (e * ff + e);
        long vision = e * 3 * 2 * 14 * 14 + 32 * block + 2 * e + (merged * merged + merged) + (3584 * merged + 3584);
        Inventory inv = Fixtures.load("qwen2-vl-7b");
        assertEquals(7_615_616_512L + vision, inv.parameterCount());
        assertEquals(829, rounded(inv.parameterCount(), 10_000_000L));
    }

    @Test
    void gemma3FourBIsTheTextModelPlusSiglipAndTheProjector() {
        // google/gemma-3-4b-it config.json (text_config over Gemma3TextConfig defaults); model page: 4.3B params
        long h = 2560, v = 262_208, ff = 10_240;
        long textBlock = h * 2048 + 2 * h * 1024 + 2048 * h + 2 * 256 + 3 * h * ff + 4 * h;
        long text = 34 * textBlock + v * h + h;                              // tied
        long e = 1152, vff = 4304;
        long visionLayer = 4 * (e * e + e) + 4 * e + (vff * e + vff) + (e * vff + e);
        long vision = e * 3 * 14 * 14 + e + 64 * 64 * e + 27 * visionLayer + 2 * e;
        long projector = e * h + e;
        Inventory inv = Fixtures.load("gemma-3-4b");
        assertEquals(text + vision + projector, inv.parameterCount());
        assertEquals(43, rounded(inv.parameterCount(), 100_000_000L));
        assertEquals("gemma3_text", inv.architecture().modelType());
        assertEquals(256, inv.architecture().headDim());
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "preset {0} via {1} is the fixture {2}")
    @org.junit.jupiter.params.provider.CsvSource({
        "qwen-7b, Qwen/Qwen-7B, qwen-7b",
        "granite-3.0-8b, ibm-granite/granite-3.0-8b-base, granite-3.0-8b",
        "command-r, CohereForAI/c4ai-command-r-v01, command-r-v01",
        "internlm2-7b, internlm/internlm2-7b, internlm2-7b",
        "olmoe-1b-7b, allenai/OLMoE-1B-7B-0924, olmoe-1b-7b-0924",
        "gpt-oss-20b, openai/gpt-oss-20b, gpt-oss-20b",
        "mt5-small, google/mt5-small, mt5-small",
    })
    void newPresetsAndTheirHubAliasesCountAsTheirFixtures(String preset, String alias, String fixture) {
        ModelLoader loader = new ModelLoader(HfCache.locate(java.util.Map.of("HF_HUB_CACHE", "/nonexistent/hub"),
                java.nio.file.Path.of("/nonexistent")));
        long expected = Fixtures.load(fixture).parameterCount();
        assertEquals(expected, loader.load(preset, java.util.Map.of()).parameterCount());
        assertEquals(expected, loader.load(alias, java.util.Map.of()).parameterCount());
    }
}
