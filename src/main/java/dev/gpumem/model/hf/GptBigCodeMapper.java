package dev.gpumem.model.hf;

import dev.gpumem.model.ParamGroup;

/**
 * GPT-BigCode / StarCoder (transformers models/gpt_bigcode/modeling_gpt_bigcode.py): GPT-2 layout with nn.Linear
 * ({@code weight [out, in]}) and multi-query attention: {@code c_attn} maps h to h + 2 * head_dim (one shared k/v
 * head) when {@code multi_query} (default true), else to 3h. LM head tied to {@code wte}.
 */
final class GptBigCodeMapper implements FamilyMapper {
    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        int h = c.positive(DecoderDims.HIDDEN);
        int heads = c.positive(DecoderDims.HEADS);
        int hd = DecoderDims.divide(c, h, heads);
        boolean mqa = c.flag("multi_query", true);
        int kv = mqa ? 1 : heads;
        DecoderDims d = new DecoderDims(h, c.positive(DecoderDims.LAYERS), heads, kv, hd, c.positive("vocab_size"),
                c.positiveOr(2048, "n_positions", "max_position_embeddings"));
        ArchitectureDraft a = new ArchitectureDraft("gpt_bigcode", ctx);
        d.fill(a);
        int ff = Gpt2Mapper.gpt2Block(c, a, h);

        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("transformer.wte.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        t.add("transformer.wpe.weight", ParamGroup.EMBEDDING, -1, d.maxPositions(), h);
        for (int i = 0; i < d.layers(); i++) {
            String p = "transformer.h." + i + ".";
            t.layerNorm(p + "ln_1", i, h);
            t.linear(p + "attn.c_attn", ParamGroup.ATTENTION, i, d.qWidth() + 2 * d.kvWidth(), h, true);
            t.linear(p + "attn.c_proj", ParamGroup.ATTENTION, i, h, h, true);
            t.layerNorm(p + "ln_2", i, h);
            t.linear(p + "mlp.c_fc", ParamGroup.MLP, i, ff, h, true);
            t.linear(p + "mlp.c_proj", ParamGroup.MLP, i, h, ff, true);
        }
        t.layerNorm("transformer.ln_f", -1, h);
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", d.vocab(), h, false);
        return new MappedModel(a.build(), t.toList());
    }
}
