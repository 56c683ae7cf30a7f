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
}
