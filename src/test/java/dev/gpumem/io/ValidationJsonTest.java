package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ValidationJsonTest {
    @Test
    void theCaseIdIsTheTopLevelStringId() {
        assertEquals("llama-7b-b4", ValidationJson.caseId("{\"model\":\"x\",\"id\" : \"llama-7b-b4\",\"batch\":0}"));
    }

    @Test
    void anIdInsideANestedObjectIsNotTheCaseId() {
        assertEquals("outer", ValidationJson.caseId("{\"inference\":{\"id\":\"inner\"},\"id\":\"outer\"}"));
        assertEquals("?", ValidationJson.caseId("{\"inference\":{\"id\":\"inner\"}}"));
    }

    @Test
    void aLineWithoutAReadableStringIdHasNone() {
        assertEquals("?", ValidationJson.caseId("{\"id\":7}"));
        assertEquals("?", ValidationJson.caseId("{\"id\":\"a\""));
        assertEquals("?", ValidationJson.caseId("[\"id\"]"));
        assertEquals("?", ValidationJson.caseId(""));
    }

    @Test
    void escapedQuotesInTheIdAreRead() {
        assertEquals("a\"b", ValidationJson.caseId("{\"id\":\"a\\\"b\"}"));
    }
}
