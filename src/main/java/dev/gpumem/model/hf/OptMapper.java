package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.ConfigKeys;
import dev.gpumem.model.ParamGroup;
import java.util.Set;

/**
 * OPT (transformers models/opt/modeling_opt.py): token embeddings of width {@code word_embed_proj_dim} (with
 * {@code project_in}/{@code project_out} when it differs from h, as in opt-350m), learned positions with an offset
 * of 2 ({@code OPTLearnedPositionalEmbedding}: max_position_embeddings + 2 rows), blocks
 * {@code self_attn.{k,v,q,out}_proj} and {@code fc1}/{@code fc2} with biases ({@code enable_bias}), two
 * LayerNorms per block, a final LayerNorm only when
 * {@code do_layer_norm_before} and not {@code _remove_final_layer_norm}; LM head tied.
 */
final class OptMapper implements FamilyMapper {
    /** OPTLearnedPositionalEmbedding: "OPT is set up so that if padding_idx is specified then offset ... by 2". */
    static final int POSITION_OFFSET = 2;

    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        DecoderDims d = DecoderDims.read(c);
        ArchitectureDraft a = new ArchitectureDraft("opt", ctx);
        a.configKeys = new ConfigKeys("activation_function", Set.of("attention_dropout", "dropout"));
        d.fill(a);
        long h = d.hidden();
        int ff = c.positive("ffn_dim");
        int proj = c.positiveOr(d.hidden(), "word_embed_proj_dim");
        boolean bias = c.flag("enable_bias", true);
        boolean affine = c.flag("layer_norm_elementwise_affine", true);
        boolean finalNorm = c.flag("do_layer_norm_before", true) && !c.flag("_remove_final_layer_norm", false);
        a.intermediateSize = ff;
        a.norm = NormKind.LAYER_NORM;
        a.mlp = MlpKind.PLAIN;
        a.activation = Activations.read(c, Activation.RELU, "activation_function");
        a.positions = PositionKind.LEARNED;
        a.attentionBias = bias;
        a.mlpBias = bias;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", true);
        a.attentionDropout = c.probabilityOr(0.0, "attention_dropout");
        a.hiddenDropout = c.probabilityOr(0.1, "dropout");

        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("model.decoder.embed_tokens.weight", ParamGroup.EMBEDDING, -1, d.vocab(), proj);
        t.add("model.decoder.embed_positions.weight", ParamGroup.EMBEDDING, -1,
                (long) d.maxPositions() + POSITION_OFFSET, h);
        if (finalNorm && affine) {
            t.layerNorm("model.decoder.final_layer_norm", -1, h);
        }
        if (proj != d.hidden()) {
            t.linear("model.decoder.project_out", ParamGroup.EMBEDDING, -1, proj, h, false);
            t.linear("model.decoder.project_in", ParamGroup.EMBEDDING, -1, h, proj, false);
        }
        for (int i = 0; i < d.layers(); i++) {
            String p = "model.decoder.layers." + i + ".";
            t.linear(p + "self_attn.k_proj", ParamGroup.ATTENTION, i, h, h, bias);
            t.linear(p + "self_attn.v_proj", ParamGroup.ATTENTION, i, h, h, bias);
            t.linear(p + "self_attn.q_proj", ParamGroup.ATTENTION, i, h, h, bias);
            t.linear(p + "self_attn.out_proj", ParamGroup.ATTENTION, i, h, h, bias);
            if (affine) {
                t.layerNorm(p + "self_attn_layer_norm", i, h);
            }
            t.linear(p + "fc1", ParamGroup.MLP, i, ff, h, bias);
            t.linear(p + "fc2", ParamGroup.MLP, i, h, ff, bias);
            if (affine) {
                t.layerNorm(p + "final_layer_norm", i, h);
            }
        }
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", d.vocab(), proj, false);
        return new MappedModel(a.build(), t.toList());
    }
}
