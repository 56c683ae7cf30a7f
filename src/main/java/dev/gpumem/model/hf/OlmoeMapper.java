package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.Moe;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.Traits.QkNorm;

/**
 * OLMoE (transformers models/olmoe/modeling_olmoe.py). Pre-norm blocks: {@code input_layernorm},
 * {@code self_attn.{q,k,v,o}_proj} (biases when {@code attention_bias}) with RMSNorm {@code q_norm [h]} and
 * {@code k_norm [kv·d]} over the whole projections (as OLMo 2), {@code post_attention_layernorm}, and in every
 * block a sparse MLP: router {@code mlp.gate [E, h]} (no bias) and E experts
 * {@code mlp.experts.j.{gate,up,down}_proj} of {@code intermediate_size}, top-k routing, no shared expert.
 * {@code model.norm}; an untied {@code lm_head}.
 */
final class OlmoeMapper implements FamilyMapper {
    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        DecoderDims d = DecoderDims.read(c);
        ArchitectureDraft a = new ArchitectureDraft("olmoe", ctx);
        a.qkNorm = QkNorm.RMS_FULL_WIDTH;   // q_norm / k_norm over the whole projections, as OLMo 2
        d.fill(a);
        int ff = c.positive("intermediate_size");
        int experts = c.positive("num_experts");
        int topK = c.positive("num_experts_per_tok");
        MixtralMapper.requireTopK(c, topK, experts, "num_experts");
        boolean bias = c.flag("attention_bias", false);
        a.intermediateSize = ff;
        a.moe = new Moe(experts, topK, ff, 0, 0);
        a.activation = Activations.read(c, Activation.SILU, "hidden_act");
        a.attentionBias = bias;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", false);
        a.attentionDropout = c.probabilityOr(0.0, "attention_dropout");

        long h = d.hidden();
        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("model.embed_tokens.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        for (int i = 0; i < d.layers(); i++) {
            String p = "model.layers." + i + ".";
            t.rmsNorm(p + "input_layernorm", i, h);
            LlamaBlock.attention(t, p + "self_attn.", i, d, bias, bias);
            t.rmsNorm(p + "self_attn.q_norm", i, h);
            t.rmsNorm(p + "self_attn.k_norm", i, d.kvWidth());
            t.rmsNorm(p + "post_attention_layernorm", i, h);
            t.linear(p + "mlp.gate", ParamGroup.ROUTER, i, experts, h, false);
            for (int e = 0; e < experts; e++) {
                LlamaBlock.gatedMlp(t, p + "mlp.experts." + e + ".", ParamGroup.EXPERT, i, h, ff, false);
            }
        }
        t.rmsNorm("model.norm", -1, h);
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", d.vocab(), h, false);
        return new MappedModel(a.build(), t.toList());
    }
}
