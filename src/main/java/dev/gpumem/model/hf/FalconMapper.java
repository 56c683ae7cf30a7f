package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.ConfigKeys;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.Traits;
import java.util.Set;

/**
 * Falcon (transformers models/falcon/modeling_falcon.py): {@code word_embeddings}; fused
 * {@code self_attention.query_key_value [(a + 2·kv)·d_head, h]} where kv = {@code num_kv_heads} with
 * {@code new_decoder_architecture}, 1 with {@code multi_query} (default true), else a; {@code self_attention.dense};
 * {@code mlp.dense_h_to_4h} ({@code ffn_hidden_size}, default 4h) / {@code dense_4h_to_h}; biases only with
 * {@code bias}. Norms: {@code ln_attn} + {@code ln_mlp} in the new architecture (num_ln_in_parallel_attn 2),
 * otherwise {@code input_layernorm} (+ {@code post_attention_layernorm} when not {@code parallel_attn}).
 * RoPE unless {@code alibi}. LM head tied by default.
 */
final class FalconMapper implements FamilyMapper {
    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        int h = c.positive(DecoderDims.HIDDEN);
        int heads = c.positive(DecoderDims.HEADS);
        boolean newArch = c.flag("new_decoder_architecture", false);
        boolean mqa = c.flag("multi_query", true);
        int kv = newArch ? c.positiveOr(heads, DecoderDims.KV_HEADS) : mqa ? 1 : heads;
        DecoderDims d = new DecoderDims(h, c.positive(DecoderDims.LAYERS), heads, kv, DecoderDims.divide(c, h, heads),
                c.positive("vocab_size"), c.nonNegativeOr(2048, DecoderDims.POSITIONS));
        ArchitectureDraft a = new ArchitectureDraft("falcon", ctx);
        a.configKeys = new ConfigKeys("activation", Set.of("attention_dropout", "hidden_dropout"));
        a.projections = Traits.Projections.FUSED_QKV;
        d.fill(a);
        int ff = c.positiveOr(Math.multiplyExact(4, h), "ffn_hidden_size");
        boolean bias = c.flag("bias", false);
        boolean parallel = newArch || c.flag("parallel_attn", true);
        int parallelNorms = newArch ? c.positiveOr(2, "num_ln_in_parallel_attn") : 1;
        a.intermediateSize = ff;
        a.norm = NormKind.LAYER_NORM;
        a.mlp = MlpKind.PLAIN;
        a.activation = Activations.read(c, Activation.GELU, "activation");
        a.positions = c.flag("alibi", false) ? PositionKind.ALIBI : PositionKind.ROPE;
        a.attentionBias = bias;
        a.mlpBias = bias;
        a.parallelBlock = parallel;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", true);
        a.attentionDropout = c.probabilityOr(0.0, "attention_dropout");
        a.hiddenDropout = c.probabilityOr(0.0, "hidden_dropout");

        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("transformer.word_embeddings.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        for (int i = 0; i < d.layers(); i++) {
            String p = "transformer.h." + i + ".";
            if (newArch && parallelNorms == 2) {
                t.layerNorm(p + "ln_attn", i, h);
                t.layerNorm(p + "ln_mlp", i, h);
            } else {
                t.layerNorm(p + "input_layernorm", i, h);
                if (!parallel) {
                    t.layerNorm(p + "post_attention_layernorm", i, h);
                }
            }
            t.linear(p + "self_attention.query_key_value", ParamGroup.ATTENTION, i, d.qWidth() + 2 * d.kvWidth(), h,
                    bias);
            t.linear(p + "self_attention.dense", ParamGroup.ATTENTION, i, h, d.qWidth(), bias);
            t.linear(p + "mlp.dense_h_to_4h", ParamGroup.MLP, i, ff, h, bias);
            t.linear(p + "mlp.dense_4h_to_h", ParamGroup.MLP, i, h, ff, bias);
        }
        t.layerNorm("transformer.ln_f", -1, h);
        DecoderHead.write(t, ctx.head(), a.tiedEmbeddings, "lm_head", d.vocab(), h, false);
        return new MappedModel(a.build(), t.toList());
    }
}
