package dev.gpumem.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.model.Architecture;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.TensorSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Properties that hold for every family: linear in layers, GQA shrinks k/v, overrides reach every key. */
class ConfigPropertiesTest {
    private final ModelLoader loader = new ModelLoader();

    private long count(String ref, Map<String, Object> overrides) {
        if (ref.endsWith(".json")) {
            return Fixtures.load(ref.substring(0, ref.length() - 5), overrides).parameterCount();
        }
        return loader.load(ref, overrides).parameterCount();
    }

    @ParameterizedTest(name = "{0}: parameters are linear in {1}")
    @CsvSource({
        "llama-2-7b, num_hidden_layers",
        "mixtral-8x7b, num_hidden_layers",
        "gpt2, n_layer",
        "bert-large-uncased, num_hidden_layers",
        "phi-1.5, num_hidden_layers",
        "octocoder, n_layer",
        "falcon-7b.json, num_hidden_layers",
        "bloom-560m.json, n_layer",
        "opt-125m.json, num_hidden_layers",
        "pythia-160m.json, num_hidden_layers",
        "gemma2-2b.json, num_hidden_layers",
        "qwen3-0.6b.json, num_hidden_layers",
        "phi3-mini.json, num_hidden_layers",
        "mpt-7b.json, n_layers",
        "gpt-j-6b.json, n_layer",
        "starcoder2-3b.json, num_hidden_layers",
    })
    void parameterCountIsLinearInTheNumberOfLayers(String ref, String key) {
        long one = count(ref, Map.of(key, 1));
        long two = count(ref, Map.of(key, 2));
        long five = count(ref, Map.of(key, 5));
        long perLayer = two - one;
        assertTrue(perLayer > 0);
        assertEquals(one + 4 * perLayer, five);
    }

    @Test
    void t5IsLinearInEncoderAndDecoderLayersSeparately() {
        long base = count("t5-small.json", Map.of("num_layers", 2, "num_decoder_layers", 2));
        long moreEncoder = count("t5-small.json", Map.of("num_layers", 3, "num_decoder_layers", 2));
        long moreDecoder = count("t5-small.json", Map.of("num_layers", 2, "num_decoder_layers", 3));
        long d = 512, inner = 512, ff = 2048;
        assertEquals(4 * d * inner + 2 * d * ff + 2 * d, moreEncoder - base);                 // encoder block
        assertEquals(2 * 4 * d * inner + 2 * d * ff + 3 * d, moreDecoder - base);             // + cross-attention
    }

    @Test
    void groupedQueryAttentionShrinksKeyAndValueProjections() {
        Inventory mha = loader.load("llama-2-7b", Map.of());
        Inventory gqa = loader.load("llama-2-7b", Map.of("num_key_value_heads", 8));
        long h = 4096, headDim = 128, layers = 32;
        assertEquals(List.of(8 * headDim, h), shape(gqa, "model.layers.0.self_attn.k_proj.weight"));
        assertEquals(List.of(32 * headDim, h), shape(mha, "model.layers.0.self_attn.k_proj.weight"));
        long saved = layers * 2 * (32 - 8) * headDim * h;    // k and v, every layer
        assertEquals(mha.parameterCount() - saved, gqa.parameterCount());
        assertEquals(8, gqa.architecture().numKvHeads());
        assertEquals(gqa.architecture().kvWidth() * 4, mha.architecture().kvWidth());
    }

    @Test
    void tyingTheEmbeddingsRemovesTheLmHead() {
        long untied = loader.load("llama-2-7b", Map.of()).parameterCount();
        Inventory tied = loader.load("llama-2-7b", Map.of("tie_word_embeddings", true));
        assertEquals(untied - 32_000L * 4096, tied.parameterCount());
        assertFalse(tied.tensors().stream().anyMatch(t -> t.group() == ParamGroup.LM_HEAD));
        assertTrue(tied.architecture().tiedEmbeddings());
    }

    @Test
    void headDimFromConfigWinsOverHiddenOverHeads() {
        Inventory inv = loader.load("mistral-7b-v0.1", Map.of("head_dim", 64));
        assertEquals(64, inv.architecture().headDim());
        assertEquals(List.of(32L * 64, 4096L), shape(inv, "model.layers.0.self_attn.q_proj.weight"));
        assertEquals(List.of(4096L, 32L * 64), shape(inv, "model.layers.0.self_attn.o_proj.weight"));
    }

    @Test
    void llamaBiasesFollowAttentionBiasAndMlpBias() {
        Inventory inv = loader.load("llama-3.2-1b", Map.of("attention_bias", true, "mlp_bias", true));
        long plain = loader.load("llama-3.2-1b", Map.of()).parameterCount();
        long h = 2048, q = 2048, kv = 512, ff = 8192, layers = 16;
        assertEquals(plain + layers * (q + 2 * kv + h + 2 * ff + h), inv.parameterCount());
        assertTrue(inv.architecture().attentionBias());
        assertTrue(inv.architecture().mlpBias());
    }

    @Test
    void qwen2HasBiasOnQkvButNotOnO() {
        Inventory inv = loader.load("qwen2.5-0.5b", Map.of());
        assertTrue(has(inv, "model.layers.0.self_attn.q_proj.bias"));
        assertTrue(has(inv, "model.layers.0.self_attn.v_proj.bias"));
        assertFalse(has(inv, "model.layers.0.self_attn.o_proj.bias"));
    }

    @Test
    void dropoutKeysReachTheArchitecture() {
        Architecture gpt2 = loader.load("gpt2", Map.of()).architecture();
        assertEquals(0.1, gpt2.attentionDropout());
        assertEquals(0.1, gpt2.hiddenDropout());
        Architecture bert = loader.load("bert-large-uncased", Map.of("hidden_dropout_prob", 0.2)).architecture();
        assertEquals(0.2, bert.hiddenDropout());
        assertEquals(0.0, loader.load("llama-2-7b", Map.of()).architecture().attentionDropout());
    }

    @Test
    void everyFamilyFillsTheArchitectureTheEstimatorReads() {
        for (String f : List.of("gemma-2b", "gemma2-2b", "qwen3-0.6b", "phi3-mini", "pythia-160m", "opt-125m",
                "bloom-560m", "falcon-7b", "falcon-40b", "bert-base-uncased", "roberta-base", "t5-small",
                "t5-v1_1-small", "qwen1.5-moe-a2.7b", "mpt-7b", "gpt-j-6b", "starcoder2-3b", "olmo-1b",
                "deepseek-v3", "deepseek-v2-lite", "qwen-7b", "granite-3.0-8b", "command-r-v01", "command-r-plus",
                "internlm2-7b", "olmoe-1b-7b-0924", "gpt-oss-20b", "llama4-scout-text", "llama4-maverick-text",
                "mt5-small", "umt5-small")) {
            Inventory inv = Fixtures.load(f);
            Architecture a = inv.architecture();
            assertTrue(a.headDim() * a.numHeads() > 0, f);
            assertEquals(0, a.numHeads() % a.numKvHeads(), f);
            assertTrue(a.intermediateSize() > 0, f);
            for (TensorSpec t : inv.tensors()) {
                assertTrue(t.layer() < a.totalBlocks(), f + " " + t.name());
            }
            assertEquals(a.totalBlocks(), inv.tensors().stream().mapToInt(TensorSpec::layer).max().orElse(-1) + 1, f);
        }
    }

    @Test
    void parallelBlockFamiliesAreMarked() {
        assertTrue(Fixtures.load("pythia-160m").architecture().parallelBlock());
        assertTrue(Fixtures.load("falcon-7b").architecture().parallelBlock());
        assertTrue(Fixtures.load("gpt-j-6b").architecture().parallelBlock());
        assertTrue(loader.load("phi-1.5", Map.of()).architecture().parallelBlock());
        assertFalse(loader.load("llama-2-7b", Map.of()).architecture().parallelBlock());
        assertFalse(Fixtures.load("pythia-160m", Map.of("use_parallel_residual", false)).architecture().parallelBlock());
    }

    static List<Long> shape(Inventory inv, String name) {
        return inv.tensors().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow().shape();
    }

    static boolean has(Inventory inv, String name) {
        return inv.tensors().stream().anyMatch(t -> t.name().equals(name));
    }
}
