package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.Traits;

/**
 * GPT-NeoX / Pythia / StableLM-alpha (transformers models/gpt_neox/modeling_gpt_neox.py): {@code embed_in}, blocks
 * with two LayerNorms, fused {@code attention.query_key_value [3h, h]} and {@code attention.dense} (biases unless
 * {@code attention_bias} is false), {@code mlp.dense_h_to_4h} / {@code dense_4h_to_h} with biases, a final
 * LayerNorm and an untied {@code embed_out} without bias. {@code use_parallel_residual} (default true) makes
 * attention and MLP read the same input.
 */
final class GptNeoXMapper implements FamilyMapper {
    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        DecoderDims d = DecoderDims.read(c);
        ArchitectureDraft a = new ArchitectureDraft("gpt_neox", ctx);
        a.projections = Traits.Projections.FUSED_QKV;
        d.fill(a);
        int ff = c.positive("intermediate_size");
        long h = d.hidden();
        a.intermediateSize = ff;
        a.norm = NormKind.LAYER_NORM;
        a.mlp = MlpKind.PLAIN;
        a.activation = Activations.read(c, Activation.GELU, "hidden_act");
        a.attentionBias = c.flag("attention_bias", true);
        a.mlpBias = true;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", false);
        a.parallelBlock = c.flag("use_parallel_residual", true);
        a.attentionDropout = c.probabilityOr(0.0, "attention_dropout");
        a.hiddenDropout = c.probabilityOr(0.0, "hidden_dropout");

        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("gpt_neox.embed_in.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        for (int i = 0; i < d.layers(); i++) {
            String p = "gpt_neox.layers." + i + ".";
            t.layerNorm(p + "input_layernorm", i, h);
            t.layerNorm(p + "post_attention_layernorm", i, h);
            t.linear(p + "attention.query_key_value", ParamGroup.ATTENTION, i, 3 * d.qWidth(), h, a.attentionBias);
            t.linear(p + "attention.dense", ParamGroup.ATTENTION, i, h, d.qWidth(), a.attentionBias);
            t.linear(p + "mlp.dense_h_to_4h", ParamGroup.MLP, i, ff, h, true);
            t.linear(p + "mlp.dense_4h_to_h", ParamGroup.MLP, i, h, ff, true);
        }
        t.layerNorm("gpt_neox.final_layer_norm", -1, h);
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "embed_out", d.vocab(), h, false);
        return new MappedModel(a.build(), t.toList());
    }
}
