package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.ConfigKeys;
import dev.gpumem.model.ParamGroup;
import java.util.Set;

/**
 * The original Qwen (model_type "qwen", remote code: the Qwen/Qwen-7B repository's modeling_qwen.py; a copy is in
 * GitHub GreekCodeBear/From0toInf-LLM 2.4.3_Qwen_1.py, and vllm-project/vllm vllm/model_executor/models/qwen.py
 * loads the same names). {@code transformer.wte [v, h]}; per block {@code ln_1} (RMSNorm),
 * {@code attn.c_attn [3·p, h]} with bias ({@code nn.Linear(hidden, 3 * projection_size)}, bias always on),
 * {@code attn.c_proj [h, p]} with bias unless {@code no_bias}, {@code ln_2}, {@code mlp.w1} and {@code mlp.w2}
 * {@code [intermediate_size / 2, h]} and {@code mlp.c_proj [h, intermediate_size / 2]} (biases unless no_bias:
 * the config states twice the gated width); {@code transformer.ln_f}; an untied {@code lm_head}.
 * p = {@code kv_channels}·a (kv_channels defaults to h / a). Multi-head attention only (no GQA).
 */
final class QwenMapper implements FamilyMapper {
    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        int h = c.positive(DecoderDims.HIDDEN);
        int heads = c.positive(DecoderDims.HEADS);
        int kvChannels = c.has("kv_channels") ? c.positive("kv_channels") : DecoderDims.divide(c, h, heads);
        DecoderDims d = new DecoderDims(h, c.positive(DecoderDims.LAYERS), heads, heads, kvChannels,
                c.positive("vocab_size"), c.nonNegativeOr(0, DecoderDims.POSITIONS));
        ArchitectureDraft a = new ArchitectureDraft("qwen", ctx);
        a.configKeys = new ConfigKeys("hidden_act", Set.of("attn_dropout_prob", "emb_dropout_prob"));
        d.fill(a);
        int ff = c.positive("intermediate_size") / 2;
        boolean bias = !c.flag("no_bias", true);
        a.intermediateSize = ff;
        a.activation = Activation.SILU;
        a.attentionBias = true;
        a.mlpBias = bias;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", false);
        a.attentionDropout = c.probabilityOr(0.0, "attn_dropout_prob");
        a.hiddenDropout = c.probabilityOr(0.0, "emb_dropout_prob");

        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("transformer.wte.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        for (int i = 0; i < d.layers(); i++) {
            String p = "transformer.h." + i + ".";
            t.rmsNorm(p + "ln_1", i, h);
            t.linear(p + "attn.c_attn", ParamGroup.ATTENTION, i, 3 * d.qWidth(), h, true);
            t.linear(p + "attn.c_proj", ParamGroup.ATTENTION, i, h, d.qWidth(), bias);
            t.rmsNorm(p + "ln_2", i, h);
            t.linear(p + "mlp.w1", ParamGroup.MLP, i, ff, h, bias);
            t.linear(p + "mlp.w2", ParamGroup.MLP, i, ff, h, bias);
            t.linear(p + "mlp.c_proj", ParamGroup.MLP, i, h, ff, bias);
        }
        t.rmsNorm("transformer.ln_f", -1, h);
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", d.vocab(), h, false);
        return new MappedModel(a.build(), t.toList());
    }
}
