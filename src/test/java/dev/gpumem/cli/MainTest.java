package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void unknownOptionIsOneLineAndExitTwo() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"--no-such-option"}, new PrintWriter(out), new PrintWriter(err));
        assertEquals(ExitCode.BAD_INPUT.code(), code);
        String e = err.toString().strip();
        assertTrue(e.startsWith("gpumem: error: "), e);
        assertFalse(e.contains("\n"), e);
    }

    @Test
    void helpListsTheVerbs() {
        StringWriter out = new StringWriter();
        int code = Main.run(new String[] {"--help"}, new PrintWriter(out), new PrintWriter(new StringWriter()));
        assertEquals(0, code);
        assertTrue(out.toString().contains("estimate"));
        assertTrue(out.toString().contains("measure"));
    }

    @Test
    void aNamedVerbBuildsOnlyItsOwnCommandUnderItsAnnotatedName() {
        PrintWriter quiet = new PrintWriter(new StringWriter());
        var all = Main.commandLine(quiet, quiet).getSubcommands();
        assertEquals(java.util.List.of("estimate", "fit", "suggest", "models", "gpus", "frameworks",
                "measure", "compare", "calibrate", "report", "validate", "file-results", "doctor", "bench", "merge"), java.util.List.copyOf(all.keySet()));
        for (var e : all.entrySet()) {
            // the name each verb is added under is the one its own @Command annotation gives
            assertEquals(e.getKey(), e.getValue().getCommandSpec().userObject().getClass()
                    .getAnnotation(picocli.CommandLine.Command.class).name());
            assertEquals(java.util.Set.of(e.getKey()), Main.commandLine(quiet, quiet, e.getKey()).getSubcommands().keySet());
        }
    }

    @Test
    void aMistypedVerbIsAnUnmatchedArgumentAsBefore() {
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"estimat", "--model", "gpt2"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err));
        assertEquals(ExitCode.BAD_INPUT.code(), code);
        assertEquals("gpumem: error: Unmatched arguments from index 0: 'estimat', '--model', 'gpt2' (see --help)",
                err.toString().strip());
    }
}
