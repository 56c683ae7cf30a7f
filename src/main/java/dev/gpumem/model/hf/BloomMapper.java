package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.Traits;

/**
 * BLOOM (transformers models/bloom/modeling_bloom.py): {@code word_embeddings} followed by
 * {@code word_embeddings_layernorm}, ALiBi (no position parameters), blocks with fused
 * {@code self_attention.query_key_value [3h, h]}, {@code self_attention.dense}, {@code mlp.dense_h_to_4h} (4h) /
 * {@code dense_4h_to_h}, all with biases, tanh-approximated GELU ({@code bloom_gelu_forward}); LM head tied.
 */
final class BloomMapper implements FamilyMapper {
    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        DecoderDims d = DecoderDims.read(c);
        ArchitectureDraft a = new ArchitectureDraft("bloom", ctx);
        a.projections = Traits.Projections.FUSED_QKV;
        d.fill(a);
        long h = d.hidden();
        int ff = Math.multiplyExact(4, d.hidden());
        a.intermediateSize = ff;
        a.norm = NormKind.LAYER_NORM;
        a.mlp = MlpKind.PLAIN;
        a.activation = Activation.GELU_TANH;
        a.positions = PositionKind.ALIBI;
        a.attentionBias = true;
        a.mlpBias = true;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", true);
        a.attentionDropout = c.probabilityOr(0.0, "attention_dropout");
        a.hiddenDropout = c.probabilityOr(0.0, "hidden_dropout");

        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("transformer.word_embeddings.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        t.layerNorm("transformer.word_embeddings_layernorm", -1, h);
        for (int i = 0; i < d.layers(); i++) {
            String p = "transformer.h." + i + ".";
            t.layerNorm(p + "input_layernorm", i, h);
            t.linear(p + "self_attention.query_key_value", ParamGroup.ATTENTION, i, 3 * h, h, true);
            t.linear(p + "self_attention.dense", ParamGroup.ATTENTION, i, h, h, true);
            t.layerNorm(p + "post_attention_layernorm", i, h);
            t.linear(p + "mlp.dense_h_to_4h", ParamGroup.MLP, i, ff, h, true);
            t.linear(p + "mlp.dense_4h_to_h", ParamGroup.MLP, i, h, ff, true);
        }
        t.layerNorm("transformer.ln_f", -1, h);
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", d.vocab(), h, false);
        return new MappedModel(a.build(), t.toList());
    }
}
