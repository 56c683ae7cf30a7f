package dev.gpumem.model.hf;

import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.HeadKind;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Architecture.StackKind;
import dev.gpumem.model.ConfigKeys;
import dev.gpumem.model.ParamGroup;
import java.util.Set;

/**
 * T5 (transformers models/t5/modeling_t5.py). One {@code shared} embedding (the encoder's and decoder's
 * embed_tokens point to it). Encoder block: {@code layer.0.SelfAttention.{q,k,v,o}} (no biases, inner width
 * num_heads·d_kv) + RMS {@code layer_norm}, {@code layer.1.DenseReluDense} + {@code layer_norm}. Decoder block adds
 * {@code EncDecAttention} as layer.1 and moves the MLP to layer.2. Only block 0 of each stack has
 * {@code relative_attention_bias [num_buckets, num_heads]}. MLP: {@code wi}/{@code wo} for "relu", or
 * {@code wi_0}/{@code wi_1}/{@code wo} for "gated-gelu" (T5 v1.1, gelu_new). The LM head is tied to {@code shared}
 * unless {@code tie_word_embeddings} is false (v1.1). Layers are numbered encoder first, then decoder.
 * mT5 (models/mt5/modeling_mt5.py) is the same module tree, with MT5Config defaulting tie_word_embeddings to false;
 * UMT5 (models/umt5/modeling_umt5.py) gives every self-attention its own {@code relative_attention_bias}
 * (UMT5LayerSelfAttention builds UMT5Attention with has_relative_attention_bias=True in each block).
 */
final class T5Mapper implements FamilyMapper {
    /** The members of the T5 module tree. */
    enum Variant {
        /** models/t5: bias table in block 0 only, tied by default */
        T5,
        /** models/mt5: as T5, untied by default */
        MT5,
        /** models/umt5: a bias table in every block's self-attention */
        UMT5
    }

    private final Variant variant;

    T5Mapper(Variant variant) {
        this.variant = variant;
    }

    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        int dModel = c.positive("d_model");
        int heads = c.positive("num_heads");
        int dkv = c.positive("d_kv");
        int ff = c.positive("d_ff");
        int encLayers = c.positive("num_layers");
        int decLayers = c.positiveOr(encLayers, "num_decoder_layers");
        int buckets = c.positiveOr(32, "relative_attention_num_buckets");
        String proj = c.has("feed_forward_proj") ? c.string("feed_forward_proj") : "relu";
        boolean gated = proj.startsWith("gated-");
        boolean encoderOnly = c.strings("architectures").stream().anyMatch(s -> s.endsWith("EncoderModel"));
        DecoderDims d = new DecoderDims(dModel, encoderOnly ? encLayers : decLayers, heads, heads, dkv,
                c.positive("vocab_size"), c.nonNegativeOr(0, "n_positions"));
        ArchitectureDraft a = new ArchitectureDraft(c.has("model_type") ? c.string("model_type") : "t5", ctx);
        a.configKeys = new ConfigKeys("feed_forward_proj", Set.of("dropout_rate"));
        d.fill(a);
        a.stack = encoderOnly ? StackKind.ENCODER_ONLY : StackKind.ENCODER_DECODER;
        a.numEncoderLayers = encoderOnly ? 0 : encLayers;
        a.intermediateSize = ff;
        a.mlp = gated ? MlpKind.GATED : MlpKind.PLAIN;
        a.activation = Activations.read(c, Activation.RELU, "feed_forward_proj");
        a.positions = PositionKind.RELATIVE_BIAS;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", variant != Variant.MT5);
        a.attentionDropout = c.probabilityOr(0.1, "dropout_rate");
        a.hiddenDropout = a.attentionDropout;
        HeadKind head = ctx.head().kind();
        if (head != HeadKind.SEQ2SEQ_LM && head != HeadKind.NONE) {
            throw new BadInputException("field 'architectures' asks for a " + head.name().toLowerCase()
                    + " head, which this T5 reader does not model; accepted: *ForConditionalGeneration, *Model,"
                    + " *EncoderModel");
        }

        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add("shared.weight", ParamGroup.EMBEDDING, -1, d.vocab(), dModel);
        for (int i = 0; i < encLayers; i++) {
            String p = "encoder.block." + i + ".layer.";
            attention(t, p + "0.SelfAttention.", i, d, i == 0 || variant == Variant.UMT5 ? buckets : 0);
            t.rmsNorm(p + "0.layer_norm", i, dModel);
            mlp(t, p + "1.DenseReluDense.", i, dModel, ff, gated);
            t.rmsNorm(p + "1.layer_norm", i, dModel);
        }
        t.rmsNorm("encoder.final_layer_norm", -1, dModel);
        if (!encoderOnly) {
            for (int i = 0; i < decLayers; i++) {
                int layer = encLayers + i;
                String p = "decoder.block." + i + ".layer.";
                attention(t, p + "0.SelfAttention.", layer, d, i == 0 || variant == Variant.UMT5 ? buckets : 0);
                t.rmsNorm(p + "0.layer_norm", layer, dModel);
                attention(t, p + "1.EncDecAttention.", layer, d, 0);
                t.rmsNorm(p + "1.layer_norm", layer, dModel);
                mlp(t, p + "2.DenseReluDense.", layer, dModel, ff, gated);
                t.rmsNorm(p + "2.layer_norm", layer, dModel);
            }
            t.rmsNorm("decoder.final_layer_norm", -1, dModel);
            if (head == HeadKind.SEQ2SEQ_LM && !a.tiedEmbeddings) {
                t.linear("lm_head", ParamGroup.LM_HEAD, -1, d.vocab(), dModel, false);
            }
        }
        return new MappedModel(a.build(), t.toList());
    }

    private static void attention(TensorList t, String p, int layer, DecoderDims d, int buckets) {
        long inner = d.qWidth();
        t.linear(p + "q", ParamGroup.ATTENTION, layer, inner, d.hidden(), false);
        t.linear(p + "k", ParamGroup.ATTENTION, layer, inner, d.hidden(), false);
        t.linear(p + "v", ParamGroup.ATTENTION, layer, inner, d.hidden(), false);
        t.linear(p + "o", ParamGroup.ATTENTION, layer, d.hidden(), inner, false);
        if (buckets > 0) {
            t.add(p + "relative_attention_bias.weight", ParamGroup.ATTENTION, layer, buckets, d.heads());
        }
    }

    private static void mlp(TensorList t, String p, int layer, long h, long ff, boolean gated) {
        if (gated) {
            t.linear(p + "wi_0", ParamGroup.MLP, layer, ff, h, false);
            t.linear(p + "wi_1", ParamGroup.MLP, layer, ff, h, false);
        } else {
            t.linear(p + "wi", ParamGroup.MLP, layer, ff, h, false);
        }
        t.linear(p + "wo", ParamGroup.MLP, layer, h, ff, false);
    }
}
