package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Head;
import dev.gpumem.model.Architecture.HeadKind;
import java.util.List;

/**
 * Chooses the head from the first entry of {@code architectures}, by the class-name suffix transformers uses:
 * {@code *ForCausalLM} / {@code *LMHeadModel} causal LM, {@code *ForConditionalGeneration} sequence-to-sequence LM,
 * {@code *ForSequenceClassification} classification into {@code id2label}'s labels (else {@code num_labels}, else
 * transformers' default of 2), {@code *ForMaskedLM} masked LM, a bare {@code *Model} no head.
 */
final class HeadResolver {
    static final String ACCEPTED = "*ForCausalLM, *LMHeadModel, *ForConditionalGeneration, *ForSequenceClassification,"
            + " *ForMaskedLM, *Model";

    /** transformers PretrainedConfig: {@code num_labels} defaults to 2 when neither it nor id2label is given. */
    static final int DEFAULT_NUM_LABELS = 2;

    /** @return the head, or {@code fallback} when the config has no {@code architectures} */
    Head resolve(HfConfig c, HeadKind fallback) {
        List<String> archs = c.strings("architectures");
        if (archs.isEmpty()) {
            return new Head(fallback, 0);
        }
        String a = archs.get(0);
        if (a.endsWith("ForCausalLM") || a.endsWith("LMHeadModel")) {
            return Head.causalLm();
        }
        if (a.endsWith("ForConditionalGeneration")) {
            return new Head(HeadKind.SEQ2SEQ_LM, 0);
        }
        if (a.endsWith("ForSequenceClassification")) {
            return new Head(HeadKind.SEQUENCE_CLASSIFICATION, numLabels(c));
        }
        if (a.endsWith("ForMaskedLM")) {
            return new Head(HeadKind.MASKED_LM, 0);
        }
        if (a.endsWith("Model") && !a.contains("For")) {
            return new Head(HeadKind.NONE, 0);
        }
        throw c.invalid("architectures", "value '" + a + "' is not supported; accepted: " + ACCEPTED);
    }

    private static int numLabels(HfConfig c) {
        int fromMap = c.objectSize("id2label");
        if (fromMap > 0) {
            return fromMap;
        }
        if (fromMap == 0) {
            throw c.invalid("id2label", "is empty; a classifier needs at least one label");
        }
        return c.positiveOr(DEFAULT_NUM_LABELS, "num_labels");
    }
}
