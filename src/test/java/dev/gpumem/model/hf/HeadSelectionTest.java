package dev.gpumem.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.model.Architecture.HeadKind;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.ParamGroup;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code architectures} chooses the head; its tensors follow transformers' *For* classes. */
class HeadSelectionTest {
    private final ModelLoader loader = new ModelLoader();

    @Test
    void decoderSequenceClassifierReplacesTheLmHeadWithAScoreLayerOfId2labelSize() {
        Map<String, Object> o = Map.of("architectures", List.of("LlamaForSequenceClassification"),
                "id2label", Map.of("0", "neg", "1", "neutral", "2", "pos"));
        Inventory inv = loader.load("llama-2-7b", o);
        assertEquals(HeadKind.SEQUENCE_CLASSIFICATION, inv.architecture().head().kind());
        assertEquals(3, inv.architecture().head().numLabels());
        assertEquals(List.of(3L, 4096L), ConfigPropertiesTest.shape(inv, "score.weight"));
        assertFalse(ConfigPropertiesTest.has(inv, "lm_head.weight"));
        long lmHead = 32_000L * 4096;
        assertEquals(6_738_415_616L - lmHead + 3 * 4096, inv.parameterCount());
    }

    @Test
    void numLabelsIsUsedWithoutId2label() {
        Inventory inv = loader.load("gpt2", Map.of("architectures", List.of("GPT2ForSequenceClassification"),
                "num_labels", 5));
        assertEquals(List.of(5L, 768L), ConfigPropertiesTest.shape(inv, "score.weight"));
    }

    @Test
    void bertSequenceClassifierKeepsThePoolerAndAddsAClassifierWithBias() {
        Map<String, Object> o = Map.of("architectures", List.of("BertForSequenceClassification"),
                "id2label", Map.of("0", "LABEL_0", "1", "LABEL_1"));
        Inventory inv = loader.load("bert-large-uncased", o);
        long bertModel = 335_141_888L;                 // BertModel with pooler (published)
        assertEquals(bertModel + 2 * 1024 + 2, inv.parameterCount());
        assertTrue(ConfigPropertiesTest.has(inv, "bert.pooler.dense.weight"));
        assertEquals(List.of(2L, 1024L), ConfigPropertiesTest.shape(inv, "classifier.weight"));
    }

    @Test
    void bareModelHasNoHead() {
        Inventory inv = loader.load("llama-2-7b", Map.of("architectures", List.of("LlamaModel")));
        assertEquals(HeadKind.NONE, inv.architecture().head().kind());
        assertEquals(0, inv.count(t -> t.group() == ParamGroup.LM_HEAD));
        assertEquals(6_738_415_616L - 32_000L * 4096, inv.parameterCount());
    }

    @Test
    void maskedLmOnADecoderIsRefusedNamingTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loader.load("llama-2-7b", Map.of("architectures", List.of("LlamaForMaskedLM"))));
        assertTrue(e.getMessage().contains("architectures"), e.getMessage());
        assertTrue(e.getMessage().contains("accepted"), e.getMessage());
    }

    @Test
    void unknownHeadClassIsRefusedWithTheAcceptedSuffixes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loader.load("llama-2-7b", Map.of("architectures", List.of("LlamaForTokenClassification"))));
        assertTrue(e.getMessage().contains("'LlamaForTokenClassification'"), e.getMessage());
        assertTrue(e.getMessage().contains("*ForSequenceClassification"), e.getMessage());
    }

    @Test
    void missingArchitecturesFallsBackToTheFamilysUsualHead() {
        Map<String, Object> noArchitectures = new java.util.HashMap<>();
        noArchitectures.put("architectures", null);
        assertEquals(HeadKind.CAUSAL_LM, Fixtures.load("bloom-560m", noArchitectures).architecture().head().kind());
        assertEquals(HeadKind.MASKED_LM, Fixtures.load("bert-base-uncased", noArchitectures).architecture().head().kind());
    }
}
