package dev.gpumem.model;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import java.util.Objects;

/**
 * What a model's blocks are built of, beyond their dimensions: the one place the estimator, the DJL runner, the
 * notes and the refusals read a family's build from. The family mappers (package {@code model.hf}) fill it from
 * config.json and the family's modeling file; nothing downstream guesses it from {@code model_type} or tensor names.
 *
 * @param norm           RMSNorm or LayerNorm
 * @param normPlacement  where a block's norms sit (pre-norm, Gemma 2/3's sandwich, OLMo 2's post-norms)
 * @param normWeight     how the norm applies its weight (plain {@code w · x̂}, or Gemma's {@code x̂ · (1 + w)} in fp32)
 * @param qkNorm         the norm on queries and keys before RoPE, if any
 * @param mlp            gated (gate/up/down: SwiGLU, GeGLU) or plain (fc1, activation, fc2)
 * @param activation     MLP activation
 * @param projections    which projections are fused into one matmul whose output is split into views
 * @param positions      how positions enter: RoPE, learned absolute, ALiBi, relative bias
 * @param softcapping    tanh softcapping caps read from config.json ({@link Softcapping#NONE} when the family has none)
 * @param embeddingScale the input embeddings are scaled by √h (Gemma)
 * @param attention      standard (q, k, v projections) or multi-head latent attention (DeepSeek V2/V3)
 * @param tiedEmbeddings LM head shares the input embedding matrix
 * @param parallelBlock  attention and MLP read the same normalised input (GPT-J, NeoX, Falcon, Phi)
 */
public record Traits(NormKind norm, NormPlacement normPlacement, NormWeight normWeight, QkNorm qkNorm, MlpKind mlp,
                     Activation activation, Projections projections, PositionKind positions, Softcapping softcapping,
                     EmbeddingScale embeddingScale, AttentionKind attention, boolean tiedEmbeddings,
                     boolean parallelBlock) {

    public Traits {
        Objects.requireNonNull(norm, "norm");
        Objects.requireNonNull(normPlacement, "normPlacement");
        Objects.requireNonNull(normWeight, "normWeight");
        Objects.requireNonNull(qkNorm, "qkNorm");
        Objects.requireNonNull(mlp, "mlp");
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(projections, "projections");
        Objects.requireNonNull(positions, "positions");
        Objects.requireNonNull(softcapping, "softcapping");
        Objects.requireNonNull(embeddingScale, "embeddingScale");
        Objects.requireNonNull(attention, "attention");
    }

    /** The traits of a Llama-style block with the given basics and nothing family-specific. */
    public static Traits plain(NormKind norm, MlpKind mlp, Activation activation, PositionKind positions,
                               boolean tiedEmbeddings, boolean parallelBlock) {
        return new Traits(norm, NormPlacement.PRE, NormWeight.PLAIN, QkNorm.NONE, mlp, activation,
                Projections.SEPARATE, positions, Softcapping.NONE, EmbeddingScale.NONE, AttentionKind.STANDARD,
                tiedEmbeddings, parallelBlock);
    }

    /**
     * PRE: one norm before attention and one before the MLP. SANDWICH: Gemma 2/3 norm the attention and MLP outputs
     * too before their residual adds ({@code post_attention_layernorm}, {@code post_feedforward_layernorm}): four norms
     * a block. POST: OLMo 2 norms only the outputs (two norms a block, counted like pre-norms).
     */
    public enum NormPlacement { PRE, SANDWICH, POST }

    /**
     * PLAIN: {@code weight * x̂} in the input dtype. ONE_PLUS_W_FP32: Gemma's RMSNorm
     * ({@code output * (1.0 + weight.float())} on the fp32 normalised input, then {@code type_as(x)}), so the
     * normalised input is kept in fp32.
     */
    public enum NormWeight { PLAIN, ONE_PLUS_W_FP32 }

    /**
     * RMS_PER_HEAD: Qwen3, Qwen3-MoE, Gemma 3 ({@code q_norm}/{@code k_norm} over head_dim); RMS_FULL_WIDTH: OLMo 2
     * (over the whole q and k projections); LAYER_PER_HEAD: Phi with {@code qk_layernorm} ({@code q_layernorm} /
     * {@code k_layernorm}, LayerNorm over head_dim).
     */
    public enum QkNorm { NONE, RMS_PER_HEAD, RMS_FULL_WIDTH, LAYER_PER_HEAD }

    /**
     * SEPARATE: q, k, v (and gate, up) are their own linears. FUSED_QKV: one projection makes q, k and v
     * (GPT-NeoX / Falcon / Bloom {@code query_key_value}), so they are views of one tensor. FUSED_QKV_AND_GATE_UP:
     * Phi-3's {@code qkv_proj} and {@code gate_up_proj}.
     */
    public enum Projections {
        SEPARATE, FUSED_QKV, FUSED_QKV_AND_GATE_UP;

        /** @return q, k and v are views of one projection's output */
        public boolean fusedQkv() {
            return this != SEPARATE;
        }
    }

    /** NONE, or SQRT_HIDDEN: Gemma multiplies the input embeddings by √h (in the embedding dtype). */
    public enum EmbeddingScale { NONE, SQRT_HIDDEN }

    /**
     * STANDARD: q, k, v projections at the model's head dimensions. MULTI_HEAD_LATENT: DeepSeek V2/V3's low-rank
     * q/kv projections with their own norms; their widths are {@link Architecture#latentAttention}.
     */
    public enum AttentionKind { STANDARD, MULTI_HEAD_LATENT }

    /**
     * tanh softcapping {@code tanh(x / cap) * cap}, a cap of 0 meaning none (Gemma 2's {@code attn_logit_softcapping}
     * 50 and {@code final_logit_softcapping} 30 by default; null in config.json turns one off).
     *
     * @param attention   cap on the eager attention scores, 0 = none
     * @param finalLogits cap on the logits, 0 = none
     */
    public record Softcapping(double attention, double finalLogits) {
        public static final Softcapping NONE = new Softcapping(0, 0);

        public Softcapping {
            if (!(attention >= 0) || !(finalLogits >= 0)) {
                throw new IllegalArgumentException("softcapping caps must be >= 0: " + attention + ", " + finalLogits);
            }
        }

        public boolean onAttention() {
            return attention > 0;
        }

        public boolean onLogits() {
            return finalLogits > 0;
        }
    }
}
