package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.input.BadInputException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Which exception is which exit code (docs/exit-codes.md), and what the one line says. */
class ErrorHandlerTest {
    private final StringWriter err = new StringWriter();

    @Command(name = "t")
    static final class Throwing implements Callable<Integer> {
        private final Exception ex;

        Throwing(Exception ex) {
            this.ex = ex;
        }

        @CommandLine.Option(names = "--debug")
        boolean debug;

        @Override
        public Integer call() throws Exception {
            throw ex;
        }
    }

    private int run(Exception ex, String... args) {
        CommandLine cl = new CommandLine(new Throwing(ex));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(err, true));
        ErrorHandler h = new ErrorHandler();
        cl.setExecutionExceptionHandler(h);
        cl.setParameterExceptionHandler(h);
        return cl.execute(args);
    }

    @Test
    void onlyBadInputIsExit2() {
        assertEquals(2, run(new BadInputException("batch: must be a positive integer, got 0")));
        assertEquals("gpumem: error: batch: must be a positive integer, got 0\n", err.toString());
    }

    @Test
    void aUserErrorKeepsItsOwnCode() {
        assertEquals(3, run(new UserError(ExitCode.NO_DEVICE, "no NVIDIA driver")));
    }

    @Test
    void plainIllegalArgumentStateAndNullPointerAreInternalErrors() {
        for (Exception ex : new Exception[] {new IllegalArgumentException("free of a block that is not allocated"),
                new IllegalStateException("sampler not started"), new NullPointerException("x"),
                new ArithmeticException("long overflow")}) {
            err.getBuffer().setLength(0);
            assertEquals(70, run(ex), ex.toString());
            String line = err.toString();
            assertTrue(line.startsWith("gpumem: error: internal error: " + ex), line);
            assertTrue(line.contains("please report"), line);
            assertTrue(line.contains("rerun with --debug for the stack trace"), line);
            assertFalse(line.contains("\tat "), "no stack trace without --debug: " + line);
        }
    }

    @Test
    void debugAddsTheStackTrace() {
        assertEquals(70, run(new IllegalStateException("boom"), "--debug"));
        assertTrue(err.toString().contains("\tat "), err.toString());
    }

    @Test
    void fileSystemFailuresAreExit74NamingThePath() {
        assertEquals(74, run(new AccessDeniedException("/ro/out/p.json")));
        assertEquals("gpumem: error: cannot access /ro/out/p.json: permission denied\n", err.toString());
        err.getBuffer().setLength(0);
        assertEquals(74, run(new NoSuchFileException("/gone/dir/p.json")));
        assertTrue(err.toString().contains("/gone/dir/p.json: no such file or directory"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(74, run(new FileSystemException("/full/p.json", null, "No space left on device")));
        assertTrue(err.toString().contains("/full/p.json: No space left on device"), err.toString());
    }

    @Test
    void anUncheckedIoFailureKeepsItsContextAndTheCause() {
        assertEquals(74, run(new UncheckedIOException("PROFILE: cannot read /p.json",
                new IOException("Input/output error"))));
        assertEquals("gpumem: error: PROFILE: cannot read /p.json (input/output failed: Input/output error)\n",
                err.toString());
    }

    @Test
    void controlCharactersInAMessageArePrintedEscaped() {
        assertEquals(2, run(new BadInputException("model: unknown value 'a\u001b]0;pwned\u0007b\0'")));
        String line = err.toString();
        assertFalse(line.chars().anyMatch(c -> c < 0x20 && c != '\n'), line);
        assertTrue(line.contains("a\\e]0;pwned\\x07b\\0"), line);
    }
}
