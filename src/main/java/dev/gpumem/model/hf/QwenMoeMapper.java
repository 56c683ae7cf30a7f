package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.Moe;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.Traits;
import java.util.List;

/**
 * Qwen MoE decoders.
 * qwen2_moe (transformers models/qwen2_moe/modeling_qwen2_moe.py): Qwen2 attention (q,k,v bias), and in sparse
 * blocks {@code mlp.gate [E, h]}, E experts {@code mlp.experts.j.{gate,up,down}_proj} of
 * {@code moe_intermediate_size}, an always-on {@code mlp.shared_expert} of {@code shared_expert_intermediate_size}
 * and its sigmoid gate {@code mlp.shared_expert_gate [1, h]}.
 * qwen3_moe (models/qwen3_moe/modeling_qwen3_moe.py): Qwen3 attention (q_norm/k_norm, attention_bias), no shared
 * expert. Block i is sparse when it is not in {@code mlp_only_layers} and (i + 1) % {@code decoder_sparse_step} == 0;
 * other blocks have a dense MLP of {@code intermediate_size}.
 */
final class QwenMoeMapper implements FamilyMapper {
    private final boolean qwen3;

    QwenMoeMapper(boolean qwen3) {
        this.qwen3 = qwen3;
    }

    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        DecoderDims d = DecoderDims.read(c);
        ArchitectureDraft a = new ArchitectureDraft(qwen3 ? "qwen3_moe" : "qwen2_moe", ctx);
        a.qkNorm = qwen3 ? Traits.QkNorm.RMS_PER_HEAD : Traits.QkNorm.NONE;
        d.fill(a);
        int dense = c.positive("intermediate_size");
        int experts = c.positive("num_experts");
        int topK = c.positive("num_experts_per_tok");
        MixtralMapper.requireTopK(c, topK, experts, "num_experts");
        int expertFf = c.positive("moe_intermediate_size");
        int sharedFf = qwen3 ? 0 : c.nonNegativeOr(0, "shared_expert_intermediate_size");
        int step = c.positiveOr(1, "decoder_sparse_step");
        List<Long> mlpOnly = c.integers("mlp_only_layers");
        boolean qkvBias = qwen3 ? c.flag("attention_bias", false) : true;
        boolean oBias = qwen3 && qkvBias;
        a.intermediateSize = dense;
        a.activation = Activations.read(c, Activation.SILU, "hidden_act");
        a.tiedEmbeddings = c.flag("tie_word_embeddings", false);
        a.attentionDropout = c.probabilityOr(0.0, "attention_dropout");
        a.attentionBias = qkvBias;

        a.slidingWindow = SlidingWindows.qwen(c, d.layers());
        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("model.embed_tokens.weight", ParamGroup.EMBEDDING, -1, d.vocab(), d.hidden());
        int leadingDense = -1;
        for (int i = 0; i < d.layers(); i++) {
            String p = "model.layers." + i + ".";
            t.rmsNorm(p + "input_layernorm", i, d.hidden());
            LlamaBlock.attention(t, p + "self_attn.", i, d, qkvBias, oBias);
            if (qwen3) {
                t.rmsNorm(p + "self_attn.q_norm", i, d.headDim());
                t.rmsNorm(p + "self_attn.k_norm", i, d.headDim());
            }
            t.rmsNorm(p + "post_attention_layernorm", i, d.hidden());
            boolean sparse = !mlpOnly.contains((long) i) && (i + 1) % step == 0;
            if (sparse) {
                leadingDense = leadingDense < 0 ? i : leadingDense;
                sparseMlp(t, p + "mlp.", i, d.hidden(), experts, expertFf, sharedFf);
            } else {
                LlamaBlock.gatedMlp(t, p + "mlp.", ParamGroup.MLP, i, d.hidden(), dense, false);
            }
        }
        t.rmsNorm("model.norm", -1, d.hidden());
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", d.vocab(), d.hidden(), false);
        a.moe = new Moe(experts, topK, expertFf, sharedFf, leadingDense < 0 ? d.layers() : leadingDense);
        return new MappedModel(a.build(), t.toList());
    }

    private static void sparseMlp(TensorList t, String p, int i, long h, int experts, long expertFf, long sharedFf) {
        t.linear(p + "gate", ParamGroup.ROUTER, i, experts, h, false);
        for (int e = 0; e < experts; e++) {
            LlamaBlock.gatedMlp(t, p + "experts." + e + ".", ParamGroup.EXPERT, i, h, expertFf, false);
        }
        if (sharedFf > 0) {
            LlamaBlock.gatedMlp(t, p + "shared_expert.", ParamGroup.EXPERT, i, h, sharedFf, false);
            t.linear(p + "shared_expert_gate", ParamGroup.ROUTER, i, 1, h, false);
        }
    }
}
