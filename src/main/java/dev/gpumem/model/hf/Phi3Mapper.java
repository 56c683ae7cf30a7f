package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.ConfigKeys;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.Traits;
import java.util.Set;

/**
 * Phi-3 (transformers models/phi3/modeling_phi3.py): Llama-style block with fused projections
 * {@code self_attn.qkv_proj [a·d + 2·kv·d, h]} and {@code mlp.gate_up_proj [2·ff, h]}, no biases, RMSNorm.
 */
final class Phi3Mapper implements FamilyMapper {
    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        DecoderDims d = DecoderDims.read(c);
        ArchitectureDraft a = new ArchitectureDraft("phi3", ctx);
        a.configKeys = new ConfigKeys("hidden_act", Set.of("attention_dropout", "resid_pdrop", "embd_pdrop"));
        a.projections = Traits.Projections.FUSED_QKV_AND_GATE_UP;
        d.fill(a);
        long h = d.hidden();
        int ff = c.positive("intermediate_size");
        a.intermediateSize = ff;
        a.activation = Activations.read(c, Activation.SILU, "hidden_act");
        a.tiedEmbeddings = c.flag("tie_word_embeddings", false);
        a.attentionDropout = c.probabilityOr(0.0, "attention_dropout");
        a.hiddenDropout = c.probabilityOr(0.0, "resid_pdrop");

        a.slidingWindow = SlidingWindows.everyBlockWhenSet(c, d.layers());
        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("model.embed_tokens.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        for (int i = 0; i < d.layers(); i++) {
            String p = "model.layers." + i + ".";
            t.rmsNorm(p + "input_layernorm", i, h);
            t.linear(p + "self_attn.o_proj", ParamGroup.ATTENTION, i, h, d.qWidth(), false);
            t.linear(p + "self_attn.qkv_proj", ParamGroup.ATTENTION, i, d.qWidth() + 2 * d.kvWidth(), h, false);
            t.rmsNorm(p + "post_attention_layernorm", i, h);
            t.linear(p + "mlp.gate_up_proj", ParamGroup.MLP, i, 2L * ff, h, false);
            t.linear(p + "mlp.down_proj", ParamGroup.MLP, i, h, ff, false);
        }
        t.rmsNorm("model.norm", -1, h);
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", d.vocab(), h, false);
        return new MappedModel(a.build(), t.toList());
    }
}
