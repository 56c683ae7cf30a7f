package dev.gpumem.measure.djl;

import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Architecture.StackKind;
import dev.gpumem.model.ConfigKeys;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.InventoryBuilder;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.TensorSpec;
import dev.gpumem.model.Traits;
import dev.gpumem.model.Traits.EmbeddingScale;
import dev.gpumem.model.Traits.NormPlacement;
import dev.gpumem.model.Traits.NormWeight;
import dev.gpumem.model.Traits.Projections;
import dev.gpumem.model.Traits.QkNorm;
import dev.gpumem.model.Traits.Softcapping;
import dev.gpumem.units.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The test models, written out from their published Hugging Face config.json files (meta-llama/Llama-3.2-1B and
 * openai-community/gpt2), so the tests need neither the model loader nor the shared folder.
 */
final class Shapes {
    private Shapes() {
    }

    /**
     * The traits the model loader's family mappers give {@code modelType} (qwen3, olmo2, gemma2, phi3); any other
     * name keeps the plain Llama-style block.
     */
    private static Architecture family(Architecture a) {
        Traits t = a.traits();
        return switch (a.modelType()) {
            case "qwen3" -> a.withTraits(new Traits(t.norm(), NormPlacement.PRE, NormWeight.PLAIN, QkNorm.RMS_PER_HEAD,
                    t.mlp(), t.activation(), t.projections(), t.positions(), t.softcapping(), t.embeddingScale(),
                    t.attention(), t.tiedEmbeddings(), t.parallelBlock()));
            case "olmo2" -> a.withTraits(new Traits(t.norm(), NormPlacement.POST, NormWeight.PLAIN,
                    QkNorm.RMS_FULL_WIDTH, t.mlp(), t.activation(), t.projections(), t.positions(), t.softcapping(),
                    t.embeddingScale(), t.attention(), t.tiedEmbeddings(), t.parallelBlock()));
            case "gemma2" -> a.withTraits(new Traits(t.norm(), NormPlacement.SANDWICH, NormWeight.ONE_PLUS_W_FP32,
                    QkNorm.NONE, t.mlp(), t.activation(), t.projections(), t.positions(), new Softcapping(50, 30),
                    EmbeddingScale.SQRT_HIDDEN, t.attention(), t.tiedEmbeddings(), t.parallelBlock()));
            case "phi3" -> a.withTraits(new Traits(t.norm(), t.normPlacement(), t.normWeight(), t.qkNorm(), t.mlp(),
                    t.activation(), Projections.FUSED_QKV_AND_GATE_UP, t.positions(), t.softcapping(),
                    t.embeddingScale(), t.attention(), t.tiedEmbeddings(), t.parallelBlock()));
            default -> a;
        };
    }

    /** Llama-3.2-1B: h 2048, 32 heads, 8 KV heads, head_dim 64, i 8192, v 128256, tied, RMSNorm, SwiGLU, RoPE. */
    static Architecture llama32_1b(int layers) {
        return new Architecture("llama", StackKind.DECODER_ONLY, 2048, layers, 0, 32, 8, 64, 8192, 128256, 131072,
                NormKind.RMS_NORM, MlpKind.GATED, Activation.SILU, PositionKind.ROPE, false, false, true, false, 0.0,
                0.0, Architecture.Moe.NONE, Architecture.Head.causalLm(), Architecture.Quantization.NONE,
                DType.BF16);
    }

    /**
     * Qwen2.5-0.5B: h 896, 14 heads, 2 KV heads, head_dim 64, i 4864, v 151936, tied, RMSNorm, SwiGLU, RoPE, q/k/v
     * biases (the architecture's single flag gives o_proj one too, as InventoryBuilder does: 896 parameters a layer).
     */
    static Architecture qwen25_05b(int layers) {
        return new Architecture("qwen2", StackKind.DECODER_ONLY, 896, layers, 0, 14, 2, 64, 4864, 151936, 32768,
                NormKind.RMS_NORM, MlpKind.GATED, Activation.SILU, PositionKind.ROPE, true, false, true, false, 0.0,
                0.0, Architecture.Moe.NONE, Architecture.Head.causalLm(), Architecture.Quantization.NONE,
                DType.BF16);
    }

    /**
     * Qwen3-0.6B: h 1024, 16 heads, 8 KV heads, head_dim 128, i 3072, v 151936, tied, RMSNorm, SwiGLU, RoPE, no
     * biases, q_norm / k_norm over head_dim (Qwen/Qwen3-0.6B config.json). {@code modelType} "llama" builds the same
     * dimensions without the q/k norms.
     */
    static Architecture qwen3_06b(int layers, String modelType) {
        return family(new Architecture(modelType, StackKind.DECODER_ONLY, 1024, layers, 0, 16, 8, 128, 3072, 151936, 40960,
                NormKind.RMS_NORM, MlpKind.GATED, Activation.SILU, PositionKind.ROPE, false, false, true, false, 0.0,
                0.0, Architecture.Moe.NONE, Architecture.Head.causalLm(), Architecture.Quantization.NONE,
                DType.BF16));
    }

    /**
     * Gemma-2-2B: h 2304, 8 heads, 4 KV heads, head_dim 256, i 9216, tied, RMSNorm as x·(1 + w), gated MLP with
     * gelu_pytorch_tanh, RoPE, no biases (google/gemma-2-2b config.json); the vocabulary is a parameter so that a
     * test can run it small. {@code modelType} "llama" builds the same dimensions as a Llama block.
     */
    static Architecture gemma2_2b(int layers, String modelType, int vocab) {
        return family(new Architecture(modelType, StackKind.DECODER_ONLY, 2304, layers, 0, 8, 4, 256, 9216, vocab, 8192,
                NormKind.RMS_NORM, MlpKind.GATED, Activation.GELU_TANH, PositionKind.ROPE, false, false, true, false,
                0.0, 0.0, Architecture.Moe.NONE, Architecture.Head.causalLm(), Architecture.Quantization.NONE,
                DType.FP32));
    }

    /**
     * Phi-3-mini: h 3072, 32 heads, 32 KV heads, head_dim 96, i 8192, v 32064, untied, RMSNorm, SwiGLU, RoPE, no
     * biases, fused {@code qkv_proj} and {@code gate_up_proj} (microsoft/Phi-3-mini-4k-instruct config.json).
     * {@code modelType} "llama" builds the same dimensions with separate projections.
     */
    static Architecture phi3Mini(int layers, String modelType) {
        return family(new Architecture(modelType, StackKind.DECODER_ONLY, 3072, layers, 0, 32, 32, 96, 8192, 32064, 4096,
                NormKind.RMS_NORM, MlpKind.GATED, Activation.SILU, PositionKind.ROPE, false, false, false, false, 0.0,
                0.0, Architecture.Moe.NONE, Architecture.Head.causalLm(), Architecture.Quantization.NONE,
                DType.BF16));
    }

    /** GPT-2 (124M): h 768, 12 heads, i 3072, v 50257, 1024 learned positions, LayerNorm, gelu_new, biases, tied. */
    static Architecture gpt2(int layers) {
        // GPT2Config's keys: activation_function, attn_pdrop, resid_pdrop, embd_pdrop
        return new Architecture("gpt2", StackKind.DECODER_ONLY, 768, layers, 0, 12, 12, 64, 3072, 50257, 1024,
                Traits.plain(NormKind.LAYER_NORM, MlpKind.PLAIN, Activation.GELU_NEW, PositionKind.LEARNED, true,
                        false), true, true, 0.1, 0.1, Architecture.Moe.NONE, Architecture.Head.causalLm(),
                Architecture.Quantization.NONE, DType.FP32,
                new ConfigKeys("activation_function", Set.of("attn_pdrop", "resid_pdrop", "embd_pdrop")));
    }

    /** The inventory of {@code a}: the Llama-style layout plus GPT-2's position table where it has one. */
    static Inventory inventory(Architecture a) {
        Inventory base = InventoryBuilder.decoder(a.modelType(), a, List.of());
        if (a.positions() != PositionKind.LEARNED) {
            return base;
        }
        List<TensorSpec> t = new ArrayList<>(base.tensors());
        t.add(1, TensorSpec.of("transformer.wpe.weight", a.checkpointDtype(), ParamGroup.EMBEDDING, -1,
                a.maxPositions(), a.hiddenSize()));
        return new Inventory(base.source(), a, t, base.warnings());
    }
}
