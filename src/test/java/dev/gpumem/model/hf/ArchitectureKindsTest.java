package dev.gpumem.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The kinds the estimator's op accounting branches on, per family, as each transformers modeling file builds the
 * block (norm class, MLP shape, activation function, position encoding, parallel residual) and as each config sets
 * its dropout keys.
 */
class ArchitectureKindsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // model,                 norm,       mlp,   activation, positions,     parallel, attn drop, hidden drop
        "llama-2-7b,              RMS_NORM,   GATED, SILU,       ROPE,          false,    0.0,       0.0",
        "mistral-7b-v0.1,         RMS_NORM,   GATED, SILU,       ROPE,          false,    0.0,       0.0",
        "qwen2.5-0.5b,            RMS_NORM,   GATED, SILU,       ROPE,          false,    0.0,       0.0",
        "mixtral-8x7b,            RMS_NORM,   GATED, SILU,       ROPE,          false,    0.0,       0.0",
        "gpt2,                    LAYER_NORM, PLAIN, GELU_NEW,   LEARNED,       false,    0.1,       0.1",
        "octocoder,               LAYER_NORM, PLAIN, GELU_TANH,  LEARNED,       false,    0.1,       0.1",
        "phi-1.5,                 LAYER_NORM, PLAIN, GELU_NEW,   ROPE,          true,     0.0,       0.0",
        "stablelm-base-alpha-3b,  LAYER_NORM, PLAIN, GELU,       ROPE,          true,     0.0,       0.0",
        "bert-large-uncased,      LAYER_NORM, PLAIN, GELU,       LEARNED,       false,    0.1,       0.1",
        "gemma-2b.json,           RMS_NORM,   GATED, GELU_TANH,  ROPE,          false,    0.0,       0.0",
        "gemma2-2b.json,          RMS_NORM,   GATED, GELU_TANH,  ROPE,          false,    0.0,       0.0",
        "qwen3-0.6b.json,         RMS_NORM,   GATED, SILU,       ROPE,          false,    0.0,       0.0",
        "phi3-mini.json,          RMS_NORM,   GATED, SILU,       ROPE,          false,    0.0,       0.0",
        "pythia-160m.json,        LAYER_NORM, PLAIN, GELU,       ROPE,          true,     0.0,       0.0",
        "opt-125m.json,           LAYER_NORM, PLAIN, RELU,       LEARNED,       false,    0.0,       0.1",
        "bloom-560m.json,         LAYER_NORM, PLAIN, GELU_TANH,  ALIBI,         false,    0.0,       0.0",
        "falcon-7b.json,          LAYER_NORM, PLAIN, GELU,       ROPE,          true,     0.0,       0.0",
        "t5-small.json,           RMS_NORM,   PLAIN, RELU,       RELATIVE_BIAS, false,    0.1,       0.1",
        "t5-v1_1-small.json,      RMS_NORM,   GATED, GELU_NEW,   RELATIVE_BIAS, false,    0.1,       0.1",
        "qwen1.5-moe-a2.7b.json,  RMS_NORM,   GATED, SILU,       ROPE,          false,    0.0,       0.0",
        "mpt-7b.json,             LAYER_NORM, PLAIN, GELU,       ALIBI,         false,    0.0,       0.0",
        "gpt-j-6b.json,           LAYER_NORM, PLAIN, GELU_NEW,   ROPE,          true,     0.0,       0.0",
        "starcoder2-3b.json,      LAYER_NORM, PLAIN, GELU_TANH,  ROPE,          false,    0.1,       0.1",
        "roberta-base.json,       LAYER_NORM, PLAIN, GELU,       LEARNED,       false,    0.1,       0.1",
        "deepseek-v3.json,        RMS_NORM,   GATED, SILU,       ROPE,          false,    0.0,       0.0",
    })
    void familyKindsMatchTheModelingFiles(String ref, NormKind norm, MlpKind mlp, Activation act, PositionKind pos,
                                          boolean parallel, double attnDrop, double hiddenDrop) {
        Architecture a = ref.endsWith(".json")
                ? Fixtures.load(ref.substring(0, ref.length() - 5)).architecture()
                : new ModelLoader().load(ref, Map.of()).architecture();
        assertEquals(norm, a.norm(), "norm");
        assertEquals(mlp, a.mlp(), "mlp");
        assertEquals(act, a.activation(), "activation");
        assertEquals(pos, a.positions(), "positions");
        assertEquals(parallel, a.parallelBlock(), "parallel block");
        assertEquals(attnDrop, a.attentionDropout(), "attention dropout");
        assertEquals(hiddenDrop, a.hiddenDropout(), "hidden dropout");
    }
}
