package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.ConfigKeys;
import dev.gpumem.model.ParamGroup;
import java.util.Set;

/**
 * GPT-2 (transformers models/gpt2/modeling_gpt2.py): token {@code wte} and learned position {@code wpe} embeddings,
 * pre-LayerNorm blocks whose projections are Conv1D ({@code weight [in, out]}, always a bias): {@code attn.c_attn}
 * (fused q,k,v: h -> 3h), {@code attn.c_proj}, {@code mlp.c_fc} (h -> n_inner, default 4h), {@code mlp.c_proj};
 * the LM head is tied to {@code wte}. Config defaults from GPT2Config: dropouts 0.1, activation gelu_new.
 */
final class Gpt2Mapper implements FamilyMapper {
    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        DecoderDims d = DecoderDims.read(c);
        ArchitectureDraft a = new ArchitectureDraft("gpt2", ctx);
        a.configKeys = new ConfigKeys("activation_function", Set.of("attn_pdrop", "resid_pdrop", "embd_pdrop"));
        d.fill(a);
        a.maxPositions = c.positiveOr(1024, "n_positions", "max_position_embeddings");
        int ff = gpt2Block(c, a, d.hidden());

        long h = d.hidden();
        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("transformer.wte.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        t.add("transformer.wpe.weight", ParamGroup.EMBEDDING, -1, a.maxPositions, h);
        for (int i = 0; i < d.layers(); i++) {
            String p = "transformer.h." + i + ".";
            t.layerNorm(p + "ln_1", i, h);
            t.conv1d(p + "attn.c_attn", ParamGroup.ATTENTION, i, h, 3 * h);
            t.conv1d(p + "attn.c_proj", ParamGroup.ATTENTION, i, h, h);
            t.layerNorm(p + "ln_2", i, h);
            t.conv1d(p + "mlp.c_fc", ParamGroup.MLP, i, h, ff);
            t.conv1d(p + "mlp.c_proj", ParamGroup.MLP, i, ff, h);
        }
        t.layerNorm("transformer.ln_f", -1, h);
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", d.vocab(), h, false);
        return new MappedModel(a.build(), t.toList());
    }

    /**
     * Sets what every GPT-2-style family shares (GPT2Config defaults): MLP inner size n_inner (default 4h),
     * pre-LayerNorm, plain MLP with gelu_new, learned positions, biases everywhere, tied head, dropouts 0.1.
     *
     * @return the MLP inner size
     */
    static int gpt2Block(HfConfig c, ArchitectureDraft a, int hidden) {
        int ff = c.positiveOr(4 * hidden, "n_inner");
        a.intermediateSize = ff;
        a.norm = NormKind.LAYER_NORM;
        a.mlp = MlpKind.PLAIN;
        a.activation = Activations.read(c, Activation.GELU_NEW, "activation_function");
        a.positions = PositionKind.LEARNED;
        a.attentionBias = true;
        a.mlpBias = true;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", true);
        a.attentionDropout = c.probabilityOr(0.1, "attn_pdrop");
        a.hiddenDropout = c.probabilityOr(0.1, "resid_pdrop");
        return ff;
    }
}
