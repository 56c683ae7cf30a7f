package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.ConfigKeys;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.SlidingWindow;
import dev.gpumem.model.Traits.EmbeddingScale;
import dev.gpumem.model.Traits.NormPlacement;
import dev.gpumem.model.Traits.NormWeight;
import dev.gpumem.model.Traits.QkNorm;
import dev.gpumem.model.Traits.Softcapping;
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
        a.configKeys = gemma ? new ConfigKeys("hidden_activation", ConfigKeys.LLAMA.dropouts()) : ConfigKeys.LLAMA;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", gemma);
        a.attentionDropout = c.probabilityOr(0.0, "attention_dropout");
        a.norm = flavour == Flavour.OLMO ? NormKind.LAYER_NORM : NormKind.RMS_NORM;
        traits(c, a, gemma);
        a.slidingWindow = switch (flavour) {
            case MISTRAL -> SlidingWindows.everyBlockWhenSet(c, dims.layers());
            case QWEN2, QWEN3 -> SlidingWindows.qwen(c, dims.layers());
            case GEMMA2 -> SlidingWindows.everyOther(c, dims.layers());
            case GEMMA3_TEXT -> SlidingWindows.allButEveryNth(c, dims.layers(), 6);
            default -> SlidingWindow.NONE;
        };
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

    /** The block traits each flavour's modeling file fixes, and the softcapping caps its config.json sets. */
    private void traits(HfConfig c, ArchitectureDraft a, boolean gemma) {
        if (gemma) {
            a.normWeight = NormWeight.ONE_PLUS_W_FP32;
            a.embeddingScale = EmbeddingScale.SQRT_HIDDEN;
        }
        a.normPlacement = switch (flavour) {
            case GEMMA2, GEMMA3_TEXT -> NormPlacement.SANDWICH;
            case OLMO2 -> NormPlacement.POST;
            default -> NormPlacement.PRE;
        };
        a.qkNorm = switch (flavour) {
            case QWEN3, GEMMA3_TEXT -> QkNorm.RMS_PER_HEAD;
            case OLMO2 -> QkNorm.RMS_FULL_WIDTH;
            default -> QkNorm.NONE;
        };
        // transformers models/gemma2/configuration_gemma2.py: attn_logit_softcapping 50.0, final_logit_softcapping
        // 30.0 by default; models/gemma3/configuration_gemma3.py (Gemma3TextConfig): both None by default
        if (flavour == Flavour.GEMMA2 || flavour == Flavour.GEMMA3_TEXT) {
            boolean two = flavour == Flavour.GEMMA2;
            a.softcapping = new Softcapping(c.capOr(two ? 50.0 : 0, "attn_logit_softcapping"),
                    c.capOr(two ? 30.0 : 0, "final_logit_softcapping"));
        }
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
