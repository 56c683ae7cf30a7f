package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.Moe;
import dev.gpumem.model.LatentAttention;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.Traits;
import java.util.List;

/**
 * DeepSeek-V2 / V3 (transformers models/deepseek_v2/modeling_deepseek_v2.py and
 * models/deepseek_v3/modeling_deepseek_v3.py; names as in the deepseek-ai checkpoints). Multi-head latent
 * attention: queries through a low-rank
 * {@code q_a_proj [q_lora_rank, h]} + {@code q_a_layernorm} + {@code q_b_proj [a·(d_nope + d_rope), q_lora_rank]}
 * (or one {@code q_proj} when {@code q_lora_rank} is null), keys/values through
 * {@code kv_a_proj_with_mqa [kv_lora_rank + d_rope, h]} + {@code kv_a_layernorm} +
 * {@code kv_b_proj [a·(d_nope + d_v), kv_lora_rank]}, and {@code o_proj [h, a·d_v]}. The first
 * {@code first_k_dense_replace} blocks have a dense MLP; the others a router {@code mlp.gate [E, h]} (V3 adds
 * {@code e_score_correction_bias [E]}), E routed experts of {@code moe_intermediate_size} and
 * {@code mlp.shared_experts} of n_shared·moe_intermediate_size. The multi-token-prediction block that V3
 * checkpoints append ({@code num_nextn_predict_layers}) is not loaded by transformers and is not counted.
 */
final class DeepseekMapper implements FamilyMapper {
    private final boolean v3;

    DeepseekMapper(boolean v3) {
        this.v3 = v3;
    }

    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        int h = c.positive(DecoderDims.HIDDEN);
        int heads = c.positive(DecoderDims.HEADS);
        int nope = c.positive("qk_nope_head_dim");
        int rope = c.positive("qk_rope_head_dim");
        int vDim = c.positive("v_head_dim");
        int kvRank = c.positive("kv_lora_rank");
        int qRank = c.nonNegativeOr(0, "q_lora_rank");
        int qkDim = Math.addExact(nope, rope);
        DecoderDims d = new DecoderDims(h, c.positive(DecoderDims.LAYERS), heads, heads, qkDim,
                c.positive("vocab_size"), c.nonNegativeOr(0, DecoderDims.POSITIONS));
        ArchitectureDraft a = new ArchitectureDraft(v3 ? "deepseek_v3" : "deepseek_v2", ctx);
        a.attention = Traits.AttentionKind.MULTI_HEAD_LATENT;
        a.latentAttention = new LatentAttention(qRank, kvRank, nope, rope, vDim);
        d.fill(a);
        int dense = c.positive("intermediate_size");
        int experts = c.positive("n_routed_experts");
        int topK = c.positive("num_experts_per_tok");
        MixtralMapper.requireTopK(c, topK, experts, "n_routed_experts");
        int expertFf = c.positive("moe_intermediate_size");
        int sharedFf = Math.multiplyExact(c.nonNegativeOr(0, "n_shared_experts"), expertFf);
        int firstDense = c.nonNegativeOr(0, "first_k_dense_replace");
        int freq = c.positiveOr(1, "moe_layer_freq");
        boolean bias = c.flag("attention_bias", false);
        a.intermediateSize = dense;
        a.activation = Activations.read(c, Activation.SILU, "hidden_act");
        a.attentionBias = bias;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", false);
        a.attentionDropout = c.probabilityOr(0.0, "attention_dropout");

        // modeling_deepseek_v3.py: DeepseekV3MoE where layer_idx >= first_k_dense_replace (V2 also every
        // moe_layer_freq-th), else a dense DeepseekV3MLP of intermediate_size
        List<Integer> denseBlocks = new java.util.ArrayList<>();
        for (int i = 0; i < d.layers(); i++) {
            if (!(i >= firstDense && i % freq == 0)) {
                denseBlocks.add(i);
            }
        }
        a.moe = new Moe(experts, topK, expertFf, sharedFf, denseBlocks);
        long aq = (long) heads * qkDim;
        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("model.embed_tokens.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        for (int i = 0; i < d.layers(); i++) {
            String p = "model.layers." + i + ".";
            t.rmsNorm(p + "input_layernorm", i, h);
            String s = p + "self_attn.";
            if (qRank > 0) {
                t.linear(s + "q_a_proj", ParamGroup.ATTENTION, i, qRank, h, bias);
                t.rmsNorm(s + "q_a_layernorm", i, qRank);
                t.linear(s + "q_b_proj", ParamGroup.ATTENTION, i, aq, qRank, false);
            } else {
                t.linear(s + "q_proj", ParamGroup.ATTENTION, i, aq, h, false);
            }
            t.linear(s + "kv_a_proj_with_mqa", ParamGroup.ATTENTION, i, (long) kvRank + rope, h, bias);
            t.rmsNorm(s + "kv_a_layernorm", i, kvRank);
            t.linear(s + "kv_b_proj", ParamGroup.ATTENTION, i, (long) heads * (nope + vDim), kvRank, false);
            t.linear(s + "o_proj", ParamGroup.ATTENTION, i, h, (long) heads * vDim, bias);
            t.rmsNorm(p + "post_attention_layernorm", i, h);
            if (i >= firstDense && i % freq == 0) {
                t.linear(p + "mlp.gate", ParamGroup.ROUTER, i, experts, h, false);
                if (v3) {
                    t.add(p + "mlp.gate.e_score_correction_bias", ParamGroup.ROUTER, i, experts);
                }
                for (int e = 0; e < experts; e++) {
                    LlamaBlock.gatedMlp(t, p + "mlp.experts." + e + ".", ParamGroup.EXPERT, i, h, expertFf, false);
                }
                if (sharedFf > 0) {
                    LlamaBlock.gatedMlp(t, p + "mlp.shared_experts.", ParamGroup.EXPERT, i, h, sharedFf, false);
                }
            } else {
                LlamaBlock.gatedMlp(t, p + "mlp.", ParamGroup.MLP, i, h, dense, false);
            }
        }
        t.rmsNorm("model.norm", -1, h);
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", d.vocab(), h, false);
        // transformers models/deepseek_v3/modular_deepseek_v3.py (commit 000c33fdfde12e1ffafbfcdb3c926df5727a00b6)
        // DeepseekV3Attention.forward: keys are cat(k_pass, k_rot expanded to every head), values the v split of
        // kv_b_proj; past_key_values.update caches both decompressed; flash_attention_2 pads v to the qk width.
        long hfCache = (long) heads * (qkDim + vDim);
        String note = a.modelType + ": multi-head latent attention with " + heads + " heads, queries and keys at "
                + qkDim + " (qk_nope + qk_rope), values and the attention output at v_head_dim " + vDim + " (SDPA or"
                + " eager; flash_attention_2 would pad the values to " + qkDim + "), the latents ("
                + (qRank > 0 ? "q_lora_rank " + qRank + ", " : "") + "kv_lora_rank " + kvRank + ") kept by their"
                + " norms and projections. Its KV cache holds the decompressed keys and values, " + hfCache
                + " values per token and layer; engines that cache the compressed latent (vLLM, SGLang) hold"
                + " kv_lora_rank + qk_rope_head_dim = " + (kvRank + rope);
        return new MappedModel(a.build(), t.toList(), List.of(note));
    }
}
