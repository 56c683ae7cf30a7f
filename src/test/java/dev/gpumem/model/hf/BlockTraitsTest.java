package dev.gpumem.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Traits;
import dev.gpumem.model.Traits.AttentionKind;
import dev.gpumem.model.Traits.EmbeddingScale;
import dev.gpumem.model.Traits.NormPlacement;
import dev.gpumem.model.Traits.NormWeight;
import dev.gpumem.model.Traits.Projections;
import dev.gpumem.model.Traits.QkNorm;
import dev.gpumem.model.Traits.Softcapping;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The block traits each family mapper fills, as the transformers modeling files build the block: Gemma's
 * {@code (1 + weight)} RMSNorm and √h embedding scale (models/gemma*), Gemma 2/3's four norms, Qwen3's and Gemma 3's
 * q_norm/k_norm over head_dim, OLMo 2's post-norms and full-width q/k norms, Phi-3's qkv_proj and gate_up_proj,
 * NeoX/Falcon/Bloom's query_key_value, DeepSeek's latent attention; softcapping caps from config.json.
 */
class BlockTraitsTest {

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource({
        // fixture,        model_type,  placement, weight,          qk norm,        projections,           embeddings,  attention
        "gemma-2b,          ,           PRE,       ONE_PLUS_W_FP32, NONE,           SEPARATE,              SQRT_HIDDEN, STANDARD",
        "gemma2-2b,         ,           SANDWICH,  ONE_PLUS_W_FP32, NONE,           SEPARATE,              SQRT_HIDDEN, STANDARD",
        "qwen3-0.6b,        ,           PRE,       PLAIN,           RMS_PER_HEAD,   SEPARATE,              NONE,        STANDARD",
        "qwen3-0.6b,        gemma3_text, SANDWICH, ONE_PLUS_W_FP32, RMS_PER_HEAD,   SEPARATE,              SQRT_HIDDEN, STANDARD",
        "qwen3-0.6b,        olmo2,      POST,      PLAIN,           RMS_FULL_WIDTH, SEPARATE,              NONE,        STANDARD",
        "qwen3-0.6b,        gemma_x,    PRE,       PLAIN,           NONE,           SEPARATE,              NONE,        STANDARD",
        "gemma-3-4b,        ,           SANDWICH,  ONE_PLUS_W_FP32, RMS_PER_HEAD,   SEPARATE,              SQRT_HIDDEN, STANDARD",
        "olmoe-1b-7b-0924,  ,           PRE,       PLAIN,           RMS_FULL_WIDTH, SEPARATE,              NONE,        STANDARD",
        "command-r-plus,    ,           PRE,       PLAIN,           LAYER_PER_HEAD, SEPARATE,              NONE,        STANDARD",
        "command-r-v01,     ,           PRE,       PLAIN,           NONE,           SEPARATE,              NONE,        STANDARD",
        "phi3-mini,         ,           PRE,       PLAIN,           NONE,           FUSED_QKV_AND_GATE_UP, NONE,        STANDARD",
        "pythia-160m,       ,           PRE,       PLAIN,           NONE,           FUSED_QKV,             NONE,        STANDARD",
        "falcon-7b,         ,           PRE,       PLAIN,           NONE,           FUSED_QKV,             NONE,        STANDARD",
        "bloom-560m,        ,           PRE,       PLAIN,           NONE,           FUSED_QKV,             NONE,        STANDARD",
        "deepseek-v3,       ,           PRE,       PLAIN,           NONE,           SEPARATE,              NONE,        MULTI_HEAD_LATENT",
        "unknown-decoder,   ,           PRE,       PLAIN,           NONE,           SEPARATE,              NONE,        STANDARD",
    })
    void mappersFillTheBlockTraitsOfTheirModelingFiles(String fixture, String modelType, NormPlacement placement,
                                                      NormWeight weight, QkNorm qk, Projections projections,
                                                      EmbeddingScale embeddings, AttentionKind attention) {
        Map<String, Object> overrides = modelType == null ? Map.of() : Map.of("model_type", modelType);
        Traits t = Fixtures.load(fixture, overrides).architecture().traits();
        assertEquals(placement, t.normPlacement(), "norm placement");
        assertEquals(weight, t.normWeight(), "norm weight");
        assertEquals(qk, t.qkNorm(), "q/k norm");
        assertEquals(projections, t.projections(), "projections");
        assertEquals(embeddings, t.embeddingScale(), "embedding scale");
        assertEquals(attention, t.attention(), "attention");
    }

    @Test
    void softcappingCapsComeFromConfigJsonWithGemma2sDefaults() {
        // google/gemma-2-2b config.json: attn_logit_softcapping 50.0, final_logit_softcapping 30.0
        assertEquals(new Softcapping(50, 30), softcapping("gemma2-2b", Map.of()));
        Map<String, Object> off = new HashMap<>();
        off.put("final_logit_softcapping", null);
        assertEquals(new Softcapping(50, 0), softcapping("gemma2-2b", off), "null turns the logit cap off");
        assertEquals(new Softcapping(40, 30), softcapping("gemma2-2b", Map.of("attn_logit_softcapping", 40)));
        // Gemma3TextConfig: both None unless the config sets them
        assertEquals(Softcapping.NONE, softcapping("qwen3-0.6b", Map.of("model_type", "gemma3_text")));
        assertEquals(new Softcapping(0, 30), softcapping("qwen3-0.6b",
                Map.of("model_type", "gemma3_text", "final_logit_softcapping", 30.0)));
        assertEquals(Softcapping.NONE, softcapping("gemma-2b", Map.of("final_logit_softcapping", 30.0)),
                "gemma (v1) has no softcapping in its modeling file");
    }

    @Test
    void aNegativeCapIsBadInput() {
        assertThrows(BadInputException.class,
                () -> softcapping("gemma2-2b", Map.of("final_logit_softcapping", -1)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"gemma2-2b", "qwen3-0.6b", "phi3-mini", "pythia-160m", "falcon-7b", "bloom-560m", "opt-125m",
        "gpt-j-6b", "starcoder2-3b", "t5-small", "roberta-base", "bert-base-uncased", "mpt-7b", "deepseek-v3",
        "qwen1.5-moe-a2.7b", "qwen-7b", "olmoe-1b-7b-0924", "command-r-v01", "internlm2-7b", "gpt-oss-20b",
        "llama4-scout-text", "granite-3.0-8b"})
    void theConfigKeysAreTheOnesTheMapperReadDropoutFrom(String fixture) {
        Map<String, Object> off = new HashMap<>();
        for (String key : Fixtures.load(fixture).architecture().configKeys().dropouts()) {
            off.put(key, 0.0);
        }
        var a = Fixtures.load(fixture, off).architecture();
        assertEquals(0.0, a.attentionDropout(), "attention dropout off through " + off.keySet());
        assertEquals(0.0, a.hiddenDropout(), "hidden dropout off through " + off.keySet());
    }

    @Test
    void theActivationKeyIsTheFamilysOwn() {
        assertEquals("hidden_activation", Fixtures.load("gemma-2b").architecture().configKeys().activation());
        assertEquals("activation_function", Fixtures.load("gpt-j-6b").architecture().configKeys().activation());
        assertEquals("feed_forward_proj", Fixtures.load("t5-small").architecture().configKeys().activation());
        assertEquals("hidden_act", Fixtures.load("qwen3-0.6b").architecture().configKeys().activation());
        // reading the key back changes the activation: gelu_new through GPT-J's own key
        assertEquals(dev.gpumem.model.Architecture.Activation.GELU_TANH, Fixtures.load("gpt-j-6b",
                Map.of("activation_function", "gelu_pytorch_tanh")).architecture().activation());
    }

    private static Softcapping softcapping(String fixture, Map<String, Object> overrides) {
        return Fixtures.load(fixture, overrides).architecture().traits().softcapping();
    }
}
