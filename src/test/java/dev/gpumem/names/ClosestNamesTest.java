package dev.gpumem.names;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClosestNamesTest {
    private static final List<String> PRECISIONS = List.of("fp32", "fp16", "bf16", "amp-fp16", "amp-bf16");

    @Test
    void distanceCountsATranspositionAsOneEdit() {
        assertEquals(1, ClosestNames.distance("bf61", "bf16"));
        assertEquals(1, ClosestNames.distance("lama", "llama"));
        assertEquals(3, ClosestNames.distance("kitten", "sitting"));   // the textbook Levenshtein example
        assertEquals(0, ClosestNames.distance("", ""));
        assertEquals(4, ClosestNames.distance("", "abcd"));
    }

    @Test
    void normalisingIgnoresCaseAndPunctuation() {
        assertEquals("llama318b", ClosestNames.normalize("Llama_3.1-8B"));
        assertEquals(ClosestNames.normalize("llama-3.1-8b"), ClosestNames.normalize("LLAMA 3.1 8B"));
    }

    @Test
    void aTypoOfOneEditIsSuggested() {
        assertEquals("; did you mean bf16?", ClosestNames.didYouMean("bf61", PRECISIONS));
        assertEquals(List.of("llama-3.1-8b"),
                ClosestNames.nearest("llama3-1-8b", List.of("llama-2-7b", "llama-3.1-8b", "llama-3.1-70b")));
    }

    @Test
    void aNameFarFromEveryCandidateGetsNoSuggestion() {
        // fp8 is two edits from fp32 and fp16, more than a third of its three letters
        assertEquals("", ClosestNames.didYouMean("fp8", PRECISIONS));
        assertEquals("", ClosestNames.didYouMean("rmsprop", List.of("adamw", "adam", "sgd")));
        assertEquals("", ClosestNames.didYouMean("", PRECISIONS));
    }

    @Test
    void equallyCloseCandidatesAreAllNamedInCandidateOrder() {
        assertEquals("; did you mean fp16 or bf16?", ClosestNames.didYouMean("f16", PRECISIONS));
        assertEquals("a, b or c", ClosestNames.orList(List.of("a", "b", "c")));
    }

    @Test
    void aPrefixNamesTheFamily() {
        List<String> gpus = List.of("a100-80gb", "h100-80gb", "h100-94gb", "h200-141gb", "h100-96gb");
        assertEquals(List.of("h100-80gb", "h100-94gb", "h100-96gb"), ClosestNames.startingWith("H100", gpus));
        assertEquals(List.of(), ClosestNames.startingWith("h", gpus));    // one letter names no family
        assertEquals(List.of(), ClosestNames.startingWith("v100", gpus));
    }
}
