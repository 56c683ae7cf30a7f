package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.ParamGroup;
import java.util.List;

/**
 * Dense Llama-style decoders that differ only in biases, extra norms and defaults. Each flavour cites the
 * transformers modeling file whose module tree it follows.
 */
final class LlamaLikeMapper implements FamilyMapper {

    /** The variations among Llama-style families. */
    enum Flavour {
        /** models/llama/modeling_llama.py: attention_bias on q,k,v,o; mlp_bias on gate/up/down. */
        LLAMA,
        /** models/mistral/modeling_mistral.py: no biases. */
        MISTRAL,
        /** models/qwen2/modeling_qwen2.py: q,k,v with bias=True, o without. */
        QWEN2,
        /** models/qwen3/modeling_qwen3.py: RMSNorm q_norm/k_norm over head_dim; attention_bias on q,k,v,o. */
        QWEN3,
        /** models/gemma/modeling_gemma.py: head_dim from config, tied, norms applied as (1 + w). */
        GEMMA,
        /** models/gemma2/modeling_gemma2.py: gemma plus pre/post feed-forward norms (4 norms per block). */
        GEMMA2,
        /** models/gemma3/modeling_gemma3.py (text): gemma2 plus q_norm/k_norm. */
        GEMMA3_TEXT,
        /** models/olmo/modeling_olmo.py: LayerNorm without any parameters (OlmoLayerNorm). */
        OLMO,
        /** models/olmo2/modeling_olmo2.py: post-norms only, q_norm/k_norm over the full q/k widths. */
        OLMO2,
        /**
         * models/granite/modeling_granite.py: Llama's modules and names (attention_bias, mlp_bias); its
         * embedding/residual/attention/logits multipliers are scalars, not parameters.
         */
        GRANITE,
        /** An unknown model_type read as Llama. */
        GENERIC
    }

    private final Flavour flavour;

    LlamaLikeMapper(Flavour flavour) {
        this.flavour = flavour;
    }

    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        DecoderDims dims = DecoderDims.read(c);
        ArchitectureDraft a = new ArchitectureDraft(c.string("model_type") == null ? "generic" : c.string("model_type"),
                ctx);
        dims.fill(a);
        a.intermediateSize = c.positive("intermediate_size");
        boolean gemma = flavour == Flavour.GEMMA || flavour == Flavour.GEMMA2 || flavour == Flavour.GEMMA3_TEXT;
        a.activation = gemma ? Activations.read(c, Activation.GELU_TANH, "hidden_activation")
                : Activations.read(c, Activation.SILU, "hidden_act");
        a.tiedEmbeddings = c.flag("tie_word_embeddings", gemma);
        a.attentionDropout = c.probabilityOr(0.0, "attention_dropout");
        a.norm = flavour == Flavour.OLMO ? NormKind.LAYER_NORM : NormKind.RMS_NORM;
        boolean qkvBias = switch (flavour) {
            case QWEN2 -> true;
            case MISTRAL -> false;
            default -> c.flag("attention_bias", false);
        };
        boolean oBias = flavour != Flavour.QWEN2 && qkvBias;
        a.attentionBias = qkvBias;
        boolean llamaMlp = flavour == Flavour.LLAMA || flavour == Flavour.GRANITE || flavour == Flavour.GENERIC;
        a.mlpBias = llamaMlp && c.flag("mlp_bias", false);

        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("model.embed_tokens.weight", ParamGroup.EMBEDDING, -1, dims.vocab(), dims.hidden());
        for (int i = 0; i < dims.layers(); i++) {
            block(t, i, dims, a, qkvBias, oBias);
        }
        if (flavour != Flavour.OLMO) {
            t.rmsNorm("model.norm", -1, dims.hidden());
        }
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", dims.vocab(), dims.hidden(), false);
        List<String> warnings = flavour == Flavour.GENERIC
                ? List.of("model_type '" + a.modelType + "' is not a known family; read as a generic Llama-style"
                        + " decoder (RMSNorm, gated MLP, RoPE), so its tensor names and counts may differ from the real"
                        + " model")
                : List.of();
        return new MappedModel(a.build(), t.toList(), warnings);
    }

    private void block(TensorList t, int i, DecoderDims d, ArchitectureDraft a, boolean qkvBias, boolean oBias) {
        String p = "model.layers." + i + ".";
        boolean preNorm = flavour != Flavour.OLMO && flavour != Flavour.OLMO2;
        if (preNorm) {
            t.rmsNorm(p + "input_layernorm", i, d.hidden());
        }
        LlamaBlock.attention(t, p + "self_attn.", i, d, qkvBias, oBias);
        switch (flavour) {
            case QWEN3, GEMMA3_TEXT -> {
                t.rmsNorm(p + "self_attn.q_norm", i, d.headDim());
                t.rmsNorm(p + "self_attn.k_norm", i, d.headDim());
            }
            case OLMO2 -> {
                t.rmsNorm(p + "self_attn.q_norm", i, d.qWidth());
                t.rmsNorm(p + "self_attn.k_norm", i, d.kvWidth());
            }
            default -> {
            }
        }
        if (flavour != Flavour.OLMO) {
            t.rmsNorm(p + "post_attention_layernorm", i, d.hidden());
        }
        if (flavour == Flavour.GEMMA2 || flavour == Flavour.GEMMA3_TEXT) {
            t.rmsNorm(p + "pre_feedforward_layernorm", i, d.hidden());
        }
        LlamaBlock.gatedMlp(t, p + "mlp.", ParamGroup.MLP, i, d.hidden(), a.intermediateSize, a.mlpBias);
        if (flavour == Flavour.GEMMA2 || flavour == Flavour.GEMMA3_TEXT || flavour == Flavour.OLMO2) {
            t.rmsNorm(p + "post_feedforward_layernorm", i, d.hidden());
        }
    }
}
