package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.ConfigKeys;
import dev.gpumem.model.ParamGroup;
import java.util.Set;

/**
 * GPT-J (transformers models/gptj/modeling_gptj.py): {@code wte}, one LayerNorm {@code ln_1} per block feeding
 * attention and MLP in parallel, {@code attn.{q,k,v,out}_proj} without biases, {@code mlp.fc_in} (n_inner, default
 * 4h) / {@code fc_out} with biases, {@code ln_f}, an untied {@code lm_head} with a bias. RoPE on rotary_dim.
 */
final class GptjMapper implements FamilyMapper {
    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        DecoderDims d = DecoderDims.read(c);
        ArchitectureDraft a = new ArchitectureDraft("gptj", ctx);
        a.configKeys = new ConfigKeys("activation_function", Set.of("attn_pdrop", "resid_pdrop", "embd_pdrop"));
        d.fill(a);
        long h = d.hidden();
        int ff = c.positiveOr(Math.multiplyExact(4, d.hidden()), "n_inner");
        a.intermediateSize = ff;
        a.norm = NormKind.LAYER_NORM;
        a.mlp = MlpKind.PLAIN;
        a.activation = Activations.read(c, Activation.GELU_NEW, "activation_function");
        a.mlpBias = true;
        a.parallelBlock = true;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", false);
        a.attentionDropout = c.probabilityOr(0.0, "attn_pdrop");
        a.hiddenDropout = c.probabilityOr(0.0, "resid_pdrop");

        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("transformer.wte.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        for (int i = 0; i < d.layers(); i++) {
            String p = "transformer.h." + i + ".";
            t.layerNorm(p + "ln_1", i, h);
            t.linear(p + "attn.k_proj", ParamGroup.ATTENTION, i, h, h, false);
            t.linear(p + "attn.v_proj", ParamGroup.ATTENTION, i, h, h, false);
            t.linear(p + "attn.q_proj", ParamGroup.ATTENTION, i, h, h, false);
            t.linear(p + "attn.out_proj", ParamGroup.ATTENTION, i, h, h, false);
            t.linear(p + "mlp.fc_in", ParamGroup.MLP, i, ff, h, true);
            t.linear(p + "mlp.fc_out", ParamGroup.MLP, i, h, ff, true);
        }
        t.layerNorm("transformer.ln_f", -1, h);
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", d.vocab(), h, true);
        return new MappedModel(a.build(), t.toList());
    }
}
