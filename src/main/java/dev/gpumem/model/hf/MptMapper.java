package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.ConfigKeys;
import dev.gpumem.model.ParamGroup;
import java.util.Set;

/**
 * MPT (transformers models/mpt/modeling_mpt.py): {@code wte}, blocks {@code norm_1}, {@code attn.Wqkv [3h, h]},
 * {@code attn.out_proj}, {@code norm_2}, {@code ffn.up_proj} (expansion_ratio·h) / {@code down_proj}, {@code norm_f};
 * with {@code no_bias} (default true) neither projections nor LayerNorms carry a bias. ALiBi from
 * {@code attn_config.alibi}; otherwise learned positions {@code wpe}. LM head tied.
 */
final class MptMapper implements FamilyMapper {
    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        int h = c.positive("d_model");
        int heads = c.positive("n_heads");
        DecoderDims d = new DecoderDims(h, c.positive("n_layers"), heads, heads, DecoderDims.divide(c, h, heads),
                c.positive("vocab_size"), c.positiveOr(2048, "max_seq_len"));
        ArchitectureDraft a = new ArchitectureDraft("mpt", ctx);
        a.configKeys = new ConfigKeys("hidden_act", Set.of("resid_pdrop", "emb_pdrop"));
        d.fill(a);
        int ff = Math.multiplyExact(c.positiveOr(4, "expansion_ratio"), h);
        boolean bias = !c.flag("no_bias", true);
        HfConfig attn = c.nested("attn_config");
        boolean alibi = attn != null && attn.flag("alibi", false);
        boolean learned = !alibi && c.flag("learned_pos_emb", true);
        a.intermediateSize = ff;
        a.norm = NormKind.LAYER_NORM;
        a.mlp = MlpKind.PLAIN;
        a.activation = Activation.GELU;
        a.positions = alibi ? PositionKind.ALIBI : learned ? PositionKind.LEARNED : PositionKind.NONE;
        a.attentionBias = bias;
        a.mlpBias = bias;
        a.tiedEmbeddings = true;
        a.attentionDropout = attn == null ? 0.0 : attn.probabilityOr(0.0, "attn_pdrop");
        a.hiddenDropout = c.probabilityOr(0.0, "resid_pdrop");

        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("transformer.wte.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        if (learned) {
            t.add("transformer.wpe.weight", ParamGroup.EMBEDDING, -1, d.maxPositions(), h);
        }
        for (int i = 0; i < d.layers(); i++) {
            String p = "transformer.blocks." + i + ".";
            norm(t, p + "norm_1", i, h, bias);
            t.linear(p + "attn.Wqkv", ParamGroup.ATTENTION, i, 3L * h, h, bias);
            t.linear(p + "attn.out_proj", ParamGroup.ATTENTION, i, h, h, bias);
            norm(t, p + "norm_2", i, h, bias);
            t.linear(p + "ffn.up_proj", ParamGroup.MLP, i, ff, h, bias);
            t.linear(p + "ffn.down_proj", ParamGroup.MLP, i, h, ff, bias);
        }
        norm(t, "transformer.norm_f", -1, h, bias);
        DecoderHead.write(t, ctx.head(), true, "lm_head", d.vocab(), h, false);
        return new MappedModel(a.build(), t.toList());
    }

    /** MPT's LayerNorm: with {@code no_bias} its bias is removed, leaving the weight alone. */
    private static void norm(TensorList t, String name, int layer, long h, boolean bias) {
        if (bias) {
            t.layerNorm(name, layer, h);
        } else {
            t.add(name + ".weight", ParamGroup.NORM, layer, h);
        }
    }
}
