package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SuggestCommandTest {
    @Test
    void needsAGpu() {
        CliRun r = CliRun.of("suggest", "--model", "gpt2");
        assertEquals(ExitCode.BAD_INPUT.code(), r.code());
        assertTrue(r.err().contains("--gpu: required"), r.err());
        assertFalse(r.err().strip().contains("\n"));
    }

    @Test
    void printsEachSingleChangeAndACombinationThatFits() {
        CliRun r = CliRun.of("suggest", "--model", "llama-3.2-1b", "--precision", "amp-bf16", "--batch", "8",
                "--seq", "4096", "--gpu", "l4-24gb");
        assertEquals(ExitCode.OK.code(), r.code(), r.err());
        assertTrue(r.out().contains("DOES NOT FIT"), r.out());
        assertTrue(r.out().contains("checkpointing full"), r.out());
        assertTrue(r.out().contains("fits with: "), r.out());
    }

    @Test
    void saysSoWhenNothingFits() {
        CliRun r = CliRun.of("suggest", "--model", "llama-3.1-70b", "--precision", "fp32", "--gpu", "l4-24gb",
                "--json");
        assertEquals(ExitCode.VERDICT_NEGATIVE.code(), r.code(), r.err());
        assertTrue(r.out().contains("\"combined\""), r.out());
        assertTrue(r.out().contains("\"fits\" : false"), r.out());
    }
}
