package dev.gpumem.model.hf;

import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.HeadKind;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Architecture.StackKind;
import dev.gpumem.model.ConfigKeys;
import dev.gpumem.model.ParamGroup;
import java.util.Set;

/**
 * BERT and RoBERTa encoders (transformers models/bert/modeling_bert.py, models/roberta/modeling_roberta.py).
 * Embeddings: word, learned position, token type, LayerNorm. Each layer: {@code attention.self.{query,key,value}},
 * {@code attention.output.dense} + LayerNorm, {@code intermediate.dense}, {@code output.dense} + LayerNorm, all
 * with biases. Heads as the transformers classes build them:
 * BertModel: pooler; BertForMaskedLM / BertLMHeadModel: no pooler, {@code cls.predictions.transform.dense} +
 * LayerNorm and a vocabulary bias (decoder weight tied); BertForSequenceClassification: pooler + {@code classifier}.
 * RoBERTa: {@code lm_head.{dense,layer_norm,bias}} for masked LM; {@code classifier.dense} +
 * {@code classifier.out_proj} (no pooler) for classification.
 */
final class BertMapper implements FamilyMapper {
    private final boolean roberta;

    BertMapper(boolean roberta) {
        this.roberta = roberta;
    }

    @Override
    public MappedModel map(HfConfig c, MapperContext ctx) {
        DecoderDims d = DecoderDims.read(c);
        ArchitectureDraft a = new ArchitectureDraft(roberta ? "roberta" : "bert", ctx);
        a.configKeys = new ConfigKeys("hidden_act", Set.of("attention_probs_dropout_prob", "hidden_dropout_prob"));
        d.fill(a);
        a.maxPositions = c.positiveOr(512, "max_position_embeddings");
        long h = d.hidden();
        int ff = c.positive("intermediate_size");
        a.stack = StackKind.ENCODER_ONLY;
        a.intermediateSize = ff;
        a.norm = NormKind.LAYER_NORM;
        a.mlp = MlpKind.PLAIN;
        a.activation = Activations.read(c, Activation.GELU, "hidden_act");
        a.positions = PositionKind.LEARNED;
        a.attentionBias = true;
        a.mlpBias = true;
        a.tiedEmbeddings = c.flag("tie_word_embeddings", true);
        a.attentionDropout = c.probabilityOr(0.1, "attention_probs_dropout_prob");
        a.hiddenDropout = c.probabilityOr(0.1, "hidden_dropout_prob");
        HeadKind head = ctx.head().kind();

        String m = roberta ? "roberta." : "bert.";
        TensorList t = new TensorList(ctx.checkpointDtype());
        t.add(m + "embeddings.word_embeddings.weight", ParamGroup.EMBEDDING, -1, d.vocab(), h);
        t.add(m + "embeddings.position_embeddings.weight", ParamGroup.EMBEDDING, -1, a.maxPositions, h);
        t.add(m + "embeddings.token_type_embeddings.weight", ParamGroup.EMBEDDING, -1,
                c.positiveOr(2, "type_vocab_size"), h);
        t.layerNorm(m + "embeddings.LayerNorm", -1, h);
        for (int i = 0; i < d.layers(); i++) {
            String p = m + "encoder.layer." + i + ".";
            t.linear(p + "attention.self.query", ParamGroup.ATTENTION, i, d.qWidth(), h, true);
            t.linear(p + "attention.self.key", ParamGroup.ATTENTION, i, d.qWidth(), h, true);
            t.linear(p + "attention.self.value", ParamGroup.ATTENTION, i, d.qWidth(), h, true);
            t.linear(p + "attention.output.dense", ParamGroup.ATTENTION, i, h, d.qWidth(), true);
            t.layerNorm(p + "attention.output.LayerNorm", i, h);
            t.linear(p + "intermediate.dense", ParamGroup.MLP, i, ff, h, true);
            t.linear(p + "output.dense", ParamGroup.MLP, i, h, ff, true);
            t.layerNorm(p + "output.LayerNorm", i, h);
        }
        switch (head) {
            case NONE -> t.linear(m + "pooler.dense", ParamGroup.TASK_HEAD, -1, h, h, true);
            case MASKED_LM, CAUSAL_LM -> lmHead(t, d, a.tiedEmbeddings);
            case SEQUENCE_CLASSIFICATION -> classifier(t, h, ctx.head().numLabels(), m);
            default -> throw new BadInputException("field 'architectures' asks for a "
                    + head.name().toLowerCase() + " head, which an encoder-only model does not have; accepted:"
                    + " *ForMaskedLM, *LMHeadModel, *ForCausalLM, *ForSequenceClassification, *Model");
        }
        return new MappedModel(a.build(), t.toList());
    }

    private void lmHead(TensorList t, DecoderDims d, boolean tied) {
        long h = d.hidden();
        String p = roberta ? "lm_head." : "cls.predictions.";
        t.linear(p + (roberta ? "dense" : "transform.dense"), ParamGroup.TASK_HEAD, -1, h, h, true);
        t.layerNorm(p + (roberta ? "layer_norm" : "transform.LayerNorm"), -1, h);
        if (!tied) {
            t.add(p + "decoder.weight", ParamGroup.LM_HEAD, -1, d.vocab(), h);
        }
        t.add(p + "bias", ParamGroup.LM_HEAD, -1, d.vocab());
    }

    private void classifier(TensorList t, long h, int labels, String m) {
        if (roberta) {
            t.linear("classifier.dense", ParamGroup.TASK_HEAD, -1, h, h, true);
            t.linear("classifier.out_proj", ParamGroup.TASK_HEAD, -1, labels, h, true);
        } else {
            t.linear(m + "pooler.dense", ParamGroup.TASK_HEAD, -1, h, h, true);
            t.linear("classifier", ParamGroup.TASK_HEAD, -1, labels, h, true);
        }
    }
}
