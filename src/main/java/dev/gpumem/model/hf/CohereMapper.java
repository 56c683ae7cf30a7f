package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.Traits.QkNorm;

/**
 * Cohere Command-R / Command-R+ and Command-R7B (transformers models/cohere/modeling_cohere.py and
 * models/cohere2/modeling_cohere2.py). A parallel block: one {@code input_layernorm} (CohereLayerNorm: a
 * LayerNorm that subtracts the mean, weight only, {@code bias=False}) feeds both {@code self_attn.{q,k,v,o}_proj}
 * (biases when {@code attention_bias}) and {@code mlp.{gate,up,down}_proj} (no biases), whose outputs are added
 * to the residual together. With {@code use_qk_norm} (Command-R+), {@code self_attn.q_norm [a, d]} and
 * {@code self_attn.k_norm [kv, d]} (CohereLayerNorm over (heads, head_dim)). {@code model.norm} is a
 * CohereLayerNorm too; the LM head is tied to {@code model.embed_tokens} unless {@code tie_word_embeddings} is
 * false (CohereConfig defaults it to true); {@code logit_scale} is a float, not a parameter.
 */
final class CohereMapper implements FamilyMapper {
    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        DecoderDims d = DecoderDims.read(c);
        String type = c.has("model_type") ? c.string("model_type") : "cohere";
        ArchitectureDraft a = new ArchitectureDraft(type, ctx);
        d.fill(a);
        a.intermediateSize = c.positive("intermediate_size");
        a.activation = Activations.read(c, Activation.SILU, "hidden_act");
        a.norm = NormKind.LAYER_NORM;
        a.parallelBlock = true;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", true);
        a.attentionDropout = c.probabilityOr(0.0, "attention_dropout");
        boolean bias = c.flag("attention_bias", false);
        boolean qkNorm = c.flag("use_qk_norm", false);
        // CohereLayerNorm over head_dim per head (models/cohere/modeling_cohere.py)
        a.qkNorm = qkNorm ? QkNorm.LAYER_PER_HEAD : QkNorm.NONE;
        a.attentionBias = bias;
        if (type.equals("cohere2")) {
            a.slidingWindow = SlidingWindows.allButEveryNth(c, d.layers(), 4);
        }

        long h = d.hidden();
        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("model.embed_tokens.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        for (int i = 0; i < d.layers(); i++) {
            String p = "model.layers." + i + ".";
            t.add(p + "input_layernorm.weight", ParamGroup.NORM, i, h);
            LlamaBlock.attention(t, p + "self_attn.", i, d, bias, bias);
            if (qkNorm) {
                t.add(p + "self_attn.q_norm.weight", ParamGroup.NORM, i, d.heads(), d.headDim());
                t.add(p + "self_attn.k_norm.weight", ParamGroup.NORM, i, d.kvHeads(), d.headDim());
            }
            LlamaBlock.gatedMlp(t, p + "mlp.", ParamGroup.MLP, i, h, a.intermediateSize, false);
        }
        t.add("model.norm.weight", ParamGroup.NORM, -1, h);
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", d.vocab(), h, false);
        return new MappedModel(a.build(), t.toList());
    }
}
