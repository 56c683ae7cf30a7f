package dev.gpumem.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.HeadKind;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Architecture.StackKind;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.ParamGroup;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Parameter totals of one real config per family, derived by hand from the modeling file's module tree (the
 * arithmetic is written out in each test and first checked against its own literal), and where a figure is
 * published, that figure. Fixtures are the models' real config.json files.
 */
class HandArithmeticCountsTest {

    @Test
    void gemma2bHasHeadDim256OneKvHeadAndATiedHead() {
        long h = 2048, v = 256_000, ff = 16_384, q = 8 * 256, kv = 256, layers = 18;
        long attn = q * h + 2 * kv * h + h * q;       // q, k, v, o without bias
        long mlp = 3 * h * ff;                        // gate, up, down
        long norms = 2 * h;                           // input + post-attention RMSNorm
        long expected = v * h + layers * (attn + mlp + norms) + h;   // embedding, blocks, final norm; head tied
        assertEquals(2_506_172_416L, expected);       // google/gemma-2b model page: 2,506,172,416 (2.51B)
        Inventory inv = Fixtures.load("gemma-2b");
        assertEquals(expected, inv.parameterCount());
        Architecture a = inv.architecture();
        assertEquals(256, a.headDim());
        assertEquals(1, a.numKvHeads());
        assertTrue(a.tiedEmbeddings());
        assertEquals(Architecture.Activation.GELU_TANH, a.activation());
    }

    @Test
    void gemma2AddsPreAndPostFeedForwardNorms() {
        long h = 2304, v = 256_000, ff = 9216, q = 8 * 256, kv = 4 * 256, layers = 26;
        long attn = q * h + 2 * kv * h + h * q;
        long mlp = 3 * h * ff;
        long norms = 4 * h;                           // input, post-attention, pre- and post-feed-forward
        long expected = v * h + layers * (attn + mlp + norms) + h;
        assertEquals(2_614_341_888L, expected);       // google/gemma-2-2b: 2,614,341,888 (2.61B)
        Inventory inv = Fixtures.load("gemma2-2b");
        assertEquals(expected, inv.parameterCount());
        assertEquals(4, inv.layer(0).stream().filter(t -> t.group() == ParamGroup.NORM).count());
    }

    @Test
    void qwen3HasQkNormsOverHeadDimAndNoQkvBias() {
        long h = 1024, v = 151_936, ff = 3072, q = 16 * 128, kv = 8 * 128, layers = 28, hd = 128;
        long attn = q * h + 2 * kv * h + h * q + 2 * hd;   // projections + q_norm, k_norm
        long expected = v * h + layers * (attn + 3 * h * ff + 2 * h) + h;
        assertEquals(596_049_920L, expected);   // Qwen/Qwen3-0.6B: "0.6B, 0.44B non-embedding" (440,466,432 in blocks)
        Inventory inv = Fixtures.load("qwen3-0.6b");
        assertEquals(expected, inv.parameterCount());
        assertTrue(inv.tensors().stream().anyMatch(t -> t.name().equals("model.layers.0.self_attn.q_norm.weight")));
        assertFalse(inv.tensors().stream().anyMatch(t -> t.name().endsWith("q_proj.bias")));
    }

    @Test
    void phi15HasBiasesEverywhereAParallelBlockAndAnLmHeadBias() {
        long h = 2048, v = 51_200, ff = 8192, layers = 24;
        long attn = 4 * (h * h + h);                 // q, k, v, dense with bias
        long mlp = (h * ff + ff) + (ff * h + h);     // fc1, fc2 with bias
        long norm = 2 * h;                           // one LayerNorm (weight + bias)
        long expected = v * h + layers * (attn + mlp + norm) + 2 * h + (v * h + v);   // + final LN + lm_head w/ bias
        assertEquals(1_418_270_720L, expected);      // microsoft/phi-1_5: 1.42B in the safetensors index
        Inventory inv = new ModelLoader().load("phi-1.5", Map.of());
        assertEquals(expected, inv.parameterCount());
        assertTrue(inv.architecture().parallelBlock());
        assertEquals(32, inv.architecture().numKvHeads());   // num_key_value_heads: null means a
    }

    @Test
    void phi3FusesQkvAndGateUp() {
        long h = 3072, v = 32_064, ff = 8192, layers = 32;
        long qkv = 3 * h * h, o = h * h, gateUp = 2 * ff * h, down = h * ff, norms = 2 * h;
        long expected = 2 * v * h + layers * (qkv + o + gateUp + down + norms) + h;
        assertEquals(3_821_079_552L, expected);      // microsoft/Phi-3-mini-4k-instruct: 3.82B
        Inventory inv = Fixtures.load("phi3-mini");
        assertEquals(expected, inv.parameterCount());
        assertEquals(java.util.List.of(2 * ff, h), inv.tensors().stream()
                .filter(t -> t.name().equals("model.layers.0.mlp.gate_up_proj.weight")).findFirst().orElseThrow().shape());
    }

    @Test
    void pythia160mMatchesTheTableInThePythiaReadme() {
        long h = 768, v = 50_304, ff = 3072, layers = 12;
        long block = 2 * 2 * h + (3 * h * h + 3 * h) + (h * h + h) + (ff * h + ff) + (h * ff + h);
        long nonEmbedding = layers * block + 2 * h;
        assertEquals(85_056_000L, nonEmbedding);     // EleutherAI/pythia README: 160M non-embedding 85,056,000
        long expected = nonEmbedding + 2 * v * h;    // embed_in and untied embed_out
        assertEquals(162_322_944L, expected);        // EleutherAI/pythia README: 160M total 162,322,944
        Inventory inv = Fixtures.load("pythia-160m");
        assertEquals(expected, inv.parameterCount());
        assertTrue(inv.architecture().parallelBlock());
        assertEquals(NormKind.LAYER_NORM, inv.architecture().norm());
    }

    @Test
    void opt125mHasPositionOffsetTwoAndTiedHead() {
        long h = 768, v = 50_272, ff = 3072, layers = 12, positions = 2048 + 2;
        long block = 4 * (h * h + h) + 2 * 2 * h + (ff * h + ff) + (h * ff + h);
        long expected = v * h + positions * h + layers * block + 2 * h;
        assertEquals(125_239_296L, expected);        // facebook/opt-125m: 125,239,296 (the "125M")
        Inventory inv = Fixtures.load("opt-125m");
        assertEquals(expected, inv.parameterCount());
        assertEquals(PositionKind.LEARNED, inv.architecture().positions());
        assertEquals(Architecture.Activation.RELU, inv.architecture().activation());
    }

    @Test
    void opt350mProjectsEmbeddingsAndHasNoFinalNorm() {
        long h = 1024, v = 50_272, ff = 4096, layers = 24, proj = 512, positions = 2048 + 2;
        long block = 4 * (h * h + h) + 2 * 2 * h + (ff * h + ff) + (h * ff + h);
        long expected = v * proj + positions * h + 2 * proj * h + layers * block;   // project_in/out, no final LN
        assertEquals(331_196_416L, expected);        // facebook/opt-350m: 331,196,416
        assertEquals(expected, Fixtures.load("opt-350m").parameterCount());
    }

    @Test
    void bloom560mUsesAlibiAndAnEmbeddingLayerNorm() {
        long h = 1024, v = 250_880, layers = 24;
        long block = 2 * 2 * h + (3 * h * h + 3 * h) + (h * h + h) + (4 * h * h + 4 * h) + (4 * h * h + h);
        long expected = v * h + 2 * h + layers * block + 2 * h;
        assertEquals(559_214_592L, expected);        // bigscience/bloom-560m model card: 559,214,592 parameters
        Inventory inv = Fixtures.load("bloom-560m");
        assertEquals(expected, inv.parameterCount());
        assertEquals(PositionKind.ALIBI, inv.architecture().positions());
    }

    @Test
    void falcon7bIsMultiQueryWithOneSharedKvHead() {
        long h = 4544, v = 65_024, layers = 32, hd = 64;
        long qkv = (h + 2 * hd) * h, dense = h * h, mlp = 2 * 4 * h * h, norm = 2 * h;
        long expected = v * h + layers * (qkv + dense + mlp + norm) + 2 * h;   // tied head
        assertEquals(6_921_720_704L, expected);      // tiiuae/falcon-7b: 6,921,720,704 (7B)
        Inventory inv = Fixtures.load("falcon-7b");
        assertEquals(expected, inv.parameterCount());
        assertEquals(1, inv.architecture().numKvHeads());
        assertTrue(inv.architecture().parallelBlock());
    }

    @Test
    void falcon40bNewArchitectureHasGroupedKvAndTwoNorms() {
        long h = 8192, v = 65_024, layers = 60, hd = 64, heads = 128, kv = 8;
        long qkv = (heads + 2 * kv) * hd * h, dense = h * h, mlp = 2 * 4 * h * h, norms = 2 * 2 * h;
        long expected = v * h + layers * (qkv + dense + mlp + norms) + 2 * h;
        assertEquals(41_303_293_952L, expected);
        Inventory inv = Fixtures.load("falcon-40b");
        assertEquals(expected, inv.parameterCount());
        assertEquals(8, inv.architecture().numKvHeads());
    }

    @Test
    void octocoderIsMultiQueryGptBigCode() {
        long h = 6144, v = 49_152, ff = 24_576, layers = 40, hd = 128, positions = 8192;
        long block = 2 * 2 * h + ((h + 2 * hd) * h + h + 2 * hd) + (h * h + h) + (ff * h + ff) + (h * ff + h);
        long expected = v * h + positions * h + layers * block + 2 * h;   // wte, wpe, blocks, ln_f; head tied
        assertEquals(15_517_456_384L, expected);     // bigcode/starcoder family: "15.5B"
        Inventory inv = new ModelLoader().load("octocoder", Map.of());
        assertEquals(expected, inv.parameterCount());
        assertEquals(1, inv.architecture().numKvHeads());
    }

    @Test
    void bertBaseModelHasItsPooler() {
        long h = 768, v = 30_522, ff = 3072, layers = 12;
        long embeddings = v * h + 512 * h + 2 * h + 2 * h;        // word, position, token type, LayerNorm
        long block = 4 * (h * h + h) + (ff * h + ff) + (h * ff + h) + 2 * 2 * h;
        long expected = embeddings + layers * block + (h * h + h); // + pooler
        assertEquals(109_482_240L, expected);        // bert-base-uncased BertModel: 109,482,240 (the "110M")
        Inventory inv = Fixtures.load("bert-base-uncased");
        assertEquals(expected, inv.parameterCount());
        assertEquals(StackKind.ENCODER_ONLY, inv.architecture().stack());
        assertEquals(HeadKind.NONE, inv.architecture().head().kind());
    }

    @Test
    void bertLargeModelMatchesThePublishedCount() {
        long h = 1024, v = 30_522, ff = 4096, layers = 24;
        long embeddings = v * h + 512 * h + 2 * h + 2 * h;
        long block = 4 * (h * h + h) + (ff * h + ff) + (h * ff + h) + 2 * 2 * h;
        long pooler = h * h + h;
        long bertModel = embeddings + layers * block + pooler;
        assertEquals(335_141_888L, bertModel);       // bert-large-uncased AutoModel: 335,141,888 parameters
        Inventory bare = new ModelLoader().load("bert-large-uncased", Map.of("architectures", java.util.List.of("BertModel")));
        assertEquals(bertModel, bare.parameterCount());
        // The preset's own head, BertForMaskedLM: no pooler; transform dense + LayerNorm + vocabulary bias, tied decoder.
        long masked = bertModel - pooler + (h * h + h) + 2 * h + v;
        assertEquals(335_174_458L, masked);
        assertEquals(masked, new ModelLoader().load("bert-large-uncased", Map.of()).parameterCount());
    }

    @Test
    void robertaBaseModelHasOneTokenTypeAnd514Positions() {
        long h = 768, v = 50_265, ff = 3072, layers = 12;
        long embeddings = v * h + 514 * h + h + 2 * h;
        long block = 4 * (h * h + h) + (ff * h + ff) + (h * ff + h) + 2 * 2 * h;
        long expected = embeddings + layers * block + (h * h + h);
        assertEquals(124_645_632L, expected);        // roberta-base RobertaModel: 124,645,632 (the "125M")
        assertEquals(expected, Fixtures.load("roberta-base").parameterCount());
    }

    @Test
    void t5SmallSharesItsEmbeddingAndHasRelativeBiasInBlockZeroOnly() {
        long d = 512, v = 32_128, ff = 2048, inner = 8 * 64, enc = 6, dec = 6, bias = 32 * 8;
        long attn = 4 * d * inner;
        long encBlock = attn + d + 2 * d * ff + d;
        long decBlock = 2 * (attn + d) + 2 * d * ff + d;
        long expected = v * d + enc * encBlock + bias + d + dec * decBlock + bias + d;
        assertEquals(60_506_624L, expected);         // t5-small: 60,506,624 (the "60M" of the T5 paper's Small)
        Inventory inv = Fixtures.load("t5-small");
        assertEquals(expected, inv.parameterCount());
        Architecture a = inv.architecture();
        assertEquals(StackKind.ENCODER_DECODER, a.stack());
        assertEquals(6, a.numEncoderLayers());
        assertEquals(6, a.numLayers());
        assertEquals(PositionKind.RELATIVE_BIAS, a.positions());
        assertEquals(HeadKind.SEQ2SEQ_LM, a.head().kind());
        assertEquals(6, inv.tensors().stream().filter(t -> t.name().startsWith("decoder.block.0.")).map(t -> t.layer())
                .distinct().findFirst().orElseThrow());   // decoder blocks numbered after the encoder's
    }

    @Test
    void t5V11IsGatedGeluWithAnUntiedHead() {
        long d = 512, v = 32_128, ff = 1024, inner = 6 * 64, layers = 8, bias = 32 * 6;
        long attn = 4 * d * inner;
        long encBlock = attn + d + 3 * d * ff + d;
        long decBlock = 2 * (attn + d) + 3 * d * ff + d;
        long expected = 2 * v * d + layers * encBlock + bias + d + layers * decBlock + bias + d;
        assertEquals(76_961_152L, expected);         // google/t5-v1_1-small: 76,961,152 (77M)
        Inventory inv = Fixtures.load("t5-v1_1-small");
        assertEquals(expected, inv.parameterCount());
        assertEquals(MlpKind.GATED, inv.architecture().mlp());
        assertEquals(Architecture.Activation.GELU_NEW, inv.architecture().activation());
    }

    @Test
    void qwen15MoeHasSixtyExpertsASharedExpertAndItsGate() {
        long h = 2048, v = 151_936, layers = 24, experts = 60, expertFf = 1408, sharedFf = 5632;
        long attn = 3 * (h * h + h) + h * h;              // q, k, v with bias; o without
        long router = experts * h;
        long expertMlps = experts * 3 * h * expertFf;
        long shared = 3 * h * sharedFf + h;               // shared expert + its [1, h] gate
        long block = attn + 2 * h + router + expertMlps + shared;
        long expected = 2 * v * h + layers * block + h;
        assertEquals(14_315_784_192L, expected);          // Qwen/Qwen1.5-MoE-A2.7B: "14.3B in total"
        Inventory inv = Fixtures.load("qwen1.5-moe-a2.7b");
        assertEquals(expected, inv.parameterCount());
        Architecture.Moe moe = inv.architecture().moe();
        assertEquals(new Architecture.Moe(60, 4, 1408, 5632, 0), moe);
    }

    @Test
    void mixtralRoutesToTwoOfEightExperts() {
        Inventory inv = new ModelLoader().load("mixtral-8x7b", Map.of());
        assertEquals(new Architecture.Moe(8, 2, 14_336, 0, 0), inv.architecture().moe());
        long h = 4096, ff = 14_336;
        assertEquals(32L * 8 * 3 * h * ff, inv.count(t -> t.group() == ParamGroup.EXPERT));
        assertEquals(32L * 8 * h, inv.count(t -> t.group() == ParamGroup.ROUTER));
    }

    @Test
    void mpt7bHasNoBiasesAndAlibi() {
        long h = 4096, v = 50_432, layers = 32;
        long block = 2 * h + 3 * h * h + h * h + 4 * h * h + 4 * h * h;   // 2 norm weights, Wqkv, out, up, down
        long expected = v * h + layers * block + h;
        assertEquals(6_649_286_656L, expected);      // mosaicml/mpt-7b: 6.65B
        Inventory inv = Fixtures.load("mpt-7b");
        assertEquals(expected, inv.parameterCount());
        assertEquals(PositionKind.ALIBI, inv.architecture().positions());
    }

    @Test
    void gptjHasAParallelBlockAndAnLmHeadBias() {
        long h = 4096, v = 50_400, layers = 28, ff = 4 * h;
        long block = 2 * h + 4 * h * h + (ff * h + ff) + (h * ff + h);
        long expected = v * h + layers * block + 2 * h + (v * h + v);
        assertEquals(6_050_882_784L, expected);
        Inventory inv = Fixtures.load("gpt-j-6b");
        assertEquals(expected, inv.parameterCount());
        assertTrue(inv.architecture().parallelBlock());
    }

    @Test
    void starcoder2HasGqaBiasesAndLayerNorms() {
        long h = 3072, v = 49_152, ff = 12_288, layers = 30, kv = 2 * 128;
        long attn = (h * h + h) + 2 * (kv * h + kv) + (h * h + h);
        long block = 2 * 2 * h + attn + (ff * h + ff) + (h * ff + h);
        long expected = v * h + layers * block + 2 * h;
        assertEquals(3_030_371_328L, expected);      // bigcode/starcoder2-3b: 3.03B
        assertEquals(expected, Fixtures.load("starcoder2-3b").parameterCount());
    }

    @Test
    void olmoLayerNormsHaveNoParameters() {
        long h = 2048, v = 50_304, ff = 8192, layers = 16;
        long expected = v * h + layers * (4 * h * h + 3 * h * ff);   // tied head, parameter-free norms
        assertEquals(1_176_764_416L, expected);      // allenai/OLMo-1B-hf: 1.18B
        Inventory inv = Fixtures.load("olmo-1b");
        assertEquals(expected, inv.parameterCount());
        assertEquals(0, inv.count(t -> t.group() == ParamGroup.NORM));
    }

    @Test
    void stablelmAlphaIsNeoXWithAQuarterRotary() {
        long h = 4096, v = 50_688, ff = 16_384, layers = 16;
        long block = 2 * 2 * h + (3 * h * h + 3 * h) + (h * h + h) + (ff * h + ff) + (h * ff + h);
        long expected = 2 * v * h + layers * block + 2 * h;
        assertEquals(3_637_321_728L, expected);
        assertEquals(expected, new ModelLoader().load("stablelm-base-alpha-3b", Map.of()).parameterCount());
    }
    @Test
    void deepseekV3HasLatentAttentionThreeDenseBlocksAndFp8Weights() {
        long h = 7168, v = 129_280, heads = 128, qRank = 1536, kvRank = 512, nope = 128, rope = 64, vDim = 128;
        long attn = qRank * h + qRank + heads * (nope + rope) * qRank      // q_a_proj, q_a_layernorm, q_b_proj
                + (kvRank + rope) * h + kvRank + heads * (nope + vDim) * kvRank   // kv_a_proj_with_mqa, norm, kv_b
                + h * heads * vDim;                                        // o_proj
        long norms = 2 * h;
        long denseMlp = 3 * h * 18_432;
        long experts = 256, expertFf = 2048;
        long moe = experts * h + experts + experts * 3 * h * expertFf + 3 * h * expertFf;  // gate, bias, routed, shared
        long expected = 2 * v * h + 3 * (attn + norms + denseMlp) + 58 * (attn + norms + moe) + h;
        assertEquals(671_026_419_200L, expected);   // DeepSeek-V3 technical report: 671B total (MTP module excluded)
        Inventory inv = Fixtures.load("deepseek-v3");
        assertEquals(expected, inv.parameterCount());
        assertEquals(new Architecture.Moe(256, 8, 2048, 2048, 3), inv.architecture().moe());
        assertEquals(192, inv.architecture().headDim());
        assertEquals(Architecture.QuantMethod.FP8, inv.architecture().quantization().method());
        assertEquals(1, inv.warnings().size());
        assertTrue(inv.warnings().get(0).contains("576"), inv.warnings().get(0));
    }

    @Test
    void deepseekV2LiteHasAPlainQueryProjectionAndTwoSharedExperts() {
        long h = 2048, v = 102_400, heads = 16, kvRank = 512, rope = 64;
        long attn = heads * 192 * h + (kvRank + rope) * h + kvRank + heads * 256 * kvRank + h * heads * 128;
        long dense = attn + 2 * h + 3 * h * 10_944;
        long moe = attn + 2 * h + 64 * h + 64 * 3 * h * 1408 + 3 * h * (2 * 1408);
        long expected = 2 * v * h + dense + 26 * moe + h;
        assertEquals(15_706_484_224L, expected);    // deepseek-ai/DeepSeek-V2-Lite: "15.7B total parameters"
        assertEquals(expected, Fixtures.load("deepseek-v2-lite").parameterCount());
    }
}
