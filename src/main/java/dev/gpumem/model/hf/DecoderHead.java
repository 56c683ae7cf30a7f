package dev.gpumem.model.hf;

import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture.Head;
import dev.gpumem.model.Architecture.HeadKind;
import dev.gpumem.model.ParamGroup;

/**
 * The head of a decoder-only model: an LM head over the vocabulary (absent from the parameters when tied to the
 * input embedding, as {@code model.parameters()} de-duplicates tied tensors) or a {@code score} classifier
 * (transformers *ForSequenceClassification of decoders: {@code score = nn.Linear(h, num_labels, bias=False)}).
 */
final class DecoderHead {
    private DecoderHead() {
    }

    /**
     * @param lmHeadName name of the LM head module (e.g. {@code lm_head}, {@code embed_out})
     * @param lmBias     the LM head has a bias (phi, gptj)
     */
    static void write(TensorList t, Head head, boolean tied, String lmHeadName, long vocab, long hidden,
                      boolean lmBias) {
        switch (head.kind()) {
            case CAUSAL_LM -> {
                if (!tied) {
                    t.linear(lmHeadName, ParamGroup.LM_HEAD, -1, vocab, hidden, lmBias);
                } else if (lmBias) {
                    t.add(lmHeadName + ".bias", ParamGroup.LM_HEAD, -1, vocab);
                }
            }
            case SEQUENCE_CLASSIFICATION ->
                t.linear("score", ParamGroup.TASK_HEAD, -1, head.numLabels(), hidden, false);
            case NONE -> {
            }
            default -> throw unsupported(head.kind());
        }
    }

    static BadInputException unsupported(HeadKind kind) {
        return new BadInputException("field 'architectures' asks for a " + kind.name().toLowerCase()
                + " head, which this decoder-only family does not have; accepted: *ForCausalLM, *LMHeadModel,"
                + " *ForSequenceClassification, *Model");
    }
}
