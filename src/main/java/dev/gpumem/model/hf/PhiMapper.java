package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.ConfigKeys;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.Traits;
import java.util.Set;

/**
 * Phi-1/1.5/2 (transformers models/phi/modeling_phi.py): one LayerNorm per block feeding attention and MLP in
 * parallel; {@code self_attn.{q,k,v}_proj} and {@code self_attn.dense} with biases (optional
 * {@code q_layernorm}/{@code k_layernorm} over head_dim when {@code qk_layernorm}); {@code mlp.fc1}/{@code fc2}
 * with biases; {@code model.final_layernorm}; an untied {@code lm_head} with a bias.
 */
final class PhiMapper implements FamilyMapper {
    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        DecoderDims d = DecoderDims.read(c);
        ArchitectureDraft a = new ArchitectureDraft("phi", ctx);
        a.configKeys = new ConfigKeys("hidden_act", Set.of("attention_dropout", "resid_pdrop", "embd_pdrop"));
        d.fill(a);
        long h = d.hidden();
        int ff = c.positive("intermediate_size");
        a.intermediateSize = ff;
        a.norm = NormKind.LAYER_NORM;
        a.mlp = MlpKind.PLAIN;
        a.activation = Activations.read(c, Activation.GELU_NEW, "hidden_act");
        a.attentionBias = true;
        a.mlpBias = true;
        a.parallelBlock = true;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", false);
        a.attentionDropout = c.probabilityOr(0.0, "attention_dropout");
        a.hiddenDropout = c.probabilityOr(0.0, "resid_pdrop");
        boolean qkNorm = c.flag("qk_layernorm", false);
        a.qkNorm = qkNorm ? Traits.QkNorm.LAYER_PER_HEAD : Traits.QkNorm.NONE;

        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("model.embed_tokens.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        for (int i = 0; i < d.layers(); i++) {
            String p = "model.layers." + i + ".";
            t.layerNorm(p + "input_layernorm", i, h);
            t.linear(p + "self_attn.q_proj", ParamGroup.ATTENTION, i, d.qWidth(), h, true);
            t.linear(p + "self_attn.k_proj", ParamGroup.ATTENTION, i, d.kvWidth(), h, true);
            t.linear(p + "self_attn.v_proj", ParamGroup.ATTENTION, i, d.kvWidth(), h, true);
            t.linear(p + "self_attn.dense", ParamGroup.ATTENTION, i, h, d.qWidth(), true);
            if (qkNorm) {
                t.layerNorm(p + "self_attn.q_layernorm", i, d.headDim());
                t.layerNorm(p + "self_attn.k_layernorm", i, d.headDim());
            }
            t.linear(p + "mlp.fc1", ParamGroup.MLP, i, ff, h, true);
            t.linear(p + "mlp.fc2", ParamGroup.MLP, i, h, ff, true);
        }
        t.layerNorm("model.final_layernorm", -1, h);
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", d.vocab(), h, true);
        return new MappedModel(a.build(), t.toList());
    }
}
