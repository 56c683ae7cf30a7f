package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.ConfigKeys;
import dev.gpumem.model.ParamGroup;
import java.util.Set;

/**
 * StarCoder2 (transformers models/starcoder2/modeling_starcoder2.py): Llama-style attention with GQA and
 * biases ({@code use_bias}, default true), LayerNorms with bias, a plain MLP {@code mlp.c_fc} / {@code mlp.c_proj},
 * RoPE, LM head tied by default.
 */
final class Starcoder2Mapper implements FamilyMapper {
    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        DecoderDims d = DecoderDims.read(c);
        ArchitectureDraft a = new ArchitectureDraft("starcoder2", ctx);
        a.configKeys = new ConfigKeys("hidden_act", Set.of("attention_dropout", "residual_dropout", "embedding_dropout"));
        d.fill(a);
        long h = d.hidden();
        int ff = c.positive("intermediate_size");
        boolean bias = c.flag("use_bias", true);
        a.intermediateSize = ff;
        a.norm = NormKind.LAYER_NORM;
        a.mlp = MlpKind.PLAIN;
        a.activation = Activations.read(c, Activation.GELU_TANH, "hidden_act");
        a.attentionBias = bias;
        a.mlpBias = bias;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", true);
        a.attentionDropout = c.probabilityOr(0.0, "attention_dropout");
        a.hiddenDropout = c.probabilityOr(0.0, "residual_dropout");

        a.slidingWindow = SlidingWindows.everyBlockWhenSet(c, d.layers());
        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("model.embed_tokens.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        for (int i = 0; i < d.layers(); i++) {
            String p = "model.layers." + i + ".";
            t.layerNorm(p + "input_layernorm", i, h);
            LlamaBlock.attention(t, p + "self_attn.", i, d, bias, bias);
            t.layerNorm(p + "post_attention_layernorm", i, h);
            t.linear(p + "mlp.c_fc", ParamGroup.MLP, i, ff, h, bias);
            t.linear(p + "mlp.c_proj", ParamGroup.MLP, i, h, ff, bias);
        }
        t.layerNorm("model.norm", -1, h);
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", d.vocab(), h, false);
        return new MappedModel(a.build(), t.toList());
    }
}
