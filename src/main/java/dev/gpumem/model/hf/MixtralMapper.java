package dev.gpumem.model.hf;

import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.Moe;
import dev.gpumem.model.ParamGroup;

/**
 * Mixtral (transformers models/mixtral/modeling_mixtral.py, checkpoint names): Mistral attention, and in every block
 * a sparse MoE {@code block_sparse_moe} with a router {@code gate [E, h]} and E experts {@code w1 [ff, h]} (gate),
 * {@code w3 [ff, h]} (up), {@code w2 [h, ff]} (down); each token goes to {@code num_experts_per_tok} experts.
 */
final class MixtralMapper implements FamilyMapper {
    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        DecoderDims d = DecoderDims.read(c);
        ArchitectureDraft a = new ArchitectureDraft("mixtral", ctx);
        d.fill(a);
        int ff = c.positive("intermediate_size");
        int experts = c.positive("num_local_experts");
        int topK = c.positive("num_experts_per_tok");
        requireTopK(c, topK, experts, "num_local_experts");
        a.intermediateSize = ff;
        a.moe = new Moe(experts, topK, ff, 0, 0);
        a.activation = Activations.read(c, Activation.SILU, "hidden_act");
        a.tiedEmbeddings = c.flag("tie_word_embeddings", false);
        a.attentionDropout = c.probabilityOr(0.0, "attention_dropout");

        a.slidingWindow = SlidingWindows.everyBlockWhenSet(c, d.layers());
        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("model.embed_tokens.weight", ParamGroup.EMBEDDING, -1, d.vocab(), d.hidden());
        for (int i = 0; i < d.layers(); i++) {
            String p = "model.layers." + i + ".";
            t.rmsNorm(p + "input_layernorm", i, d.hidden());
            LlamaBlock.attention(t, p + "self_attn.", i, d, false, false);
            t.rmsNorm(p + "post_attention_layernorm", i, d.hidden());
            t.linear(p + "block_sparse_moe.gate", ParamGroup.ROUTER, i, experts, d.hidden(), false);
            for (int e = 0; e < experts; e++) {
                String x = p + "block_sparse_moe.experts." + e + ".";
                t.linear(x + "w1", ParamGroup.EXPERT, i, ff, d.hidden(), false);
                t.linear(x + "w2", ParamGroup.EXPERT, i, d.hidden(), ff, false);
                t.linear(x + "w3", ParamGroup.EXPERT, i, ff, d.hidden(), false);
            }
        }
        t.rmsNorm("model.norm", -1, d.hidden());
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", d.vocab(), d.hidden(), false);
        return new MappedModel(a.build(), t.toList());
    }

    static void requireTopK(HfConfig c, int topK, int experts, String expertsKey) {
        if (topK > experts) {
            throw new BadInputException(c.origin() + ": field 'num_experts_per_tok' (" + topK
                    + ") must not exceed '" + expertsKey + "' (" + experts + ")");
        }
    }
}
