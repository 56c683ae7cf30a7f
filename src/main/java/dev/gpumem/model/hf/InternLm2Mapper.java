package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.ParamGroup;

/**
 * InternLM2 / InternLM2.5 (model_type "internlm2", remote code modeling_internlm2.py of the internlm/internlm2-*
 * repositories; the same checkpoint names are loaded by ModelTC/lightllm
 * lightllm/models/internlm2/layer_weights/transformer_layer_weight.py and vllm-project/vllm
 * vllm/model_executor/models/internlm2.py). {@code model.tok_embeddings [v, h]}; per block
 * {@code attention_norm}, one fused {@code attention.wqkv [(a + 2·kv)·d, h]} (laid out per kv group as
 * a/kv query heads, one key, one value), {@code attention.wo [h, a·d]} (biases on both when {@code bias}),
 * {@code ffn_norm}, {@code feed_forward.w1} (gate), {@code w3} (up), {@code w2} (down), no biases;
 * {@code model.norm}; an untied {@code output [v, h]}.
 */
final class InternLm2Mapper implements FamilyMapper {
    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        DecoderDims d = DecoderDims.read(c);
        ArchitectureDraft a = new ArchitectureDraft("internlm2", ctx);
        d.fill(a);
        int ff = c.positive("intermediate_size");
        boolean bias = c.flag("bias", false);
        a.intermediateSize = ff;
        a.activation = Activations.read(c, Activation.SILU, "hidden_act");
        a.attentionBias = bias;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", false);

        long h = d.hidden();
        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("model.tok_embeddings.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        for (int i = 0; i < d.layers(); i++) {
            String p = "model.layers." + i + ".";
            t.rmsNorm(p + "attention_norm", i, h);
            t.linear(p + "attention.wqkv", ParamGroup.ATTENTION, i, d.qWidth() + 2 * d.kvWidth(), h, bias);
            t.linear(p + "attention.wo", ParamGroup.ATTENTION, i, h, d.qWidth(), bias);
            t.rmsNorm(p + "ffn_norm", i, h);
            t.linear(p + "feed_forward.w1", ParamGroup.MLP, i, ff, h, false);
            t.linear(p + "feed_forward.w3", ParamGroup.MLP, i, ff, h, false);
            t.linear(p + "feed_forward.w2", ParamGroup.MLP, i, h, ff, false);
        }
        t.rmsNorm("model.norm", -1, h);
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "output", d.vocab(), h, false);
        return new MappedModel(a.build(), t.toList());
    }
}
