package dev.gpumem.cli;

import dev.gpumem.input.BadInputException;
import dev.gpumem.input.PrintableText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every exception into "gpumem: error: one sentence" and an exit code (docs/exit-codes.md). Stack traces only
 * with --debug. Only a {@link BadInputException} (and a {@link UserError} with its own code) is the user's input
 * (2); a file the environment would not let gpumem read or write is 74, naming the path; anything else, a plain
 * IllegalArgumentException or IllegalStateException included, is a bug (70). Printed text is escaped
 * ({@link PrintableText}): messages quote files and child output.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        err.println("gpumem: error: " + PrintableText.escape(oneLine(ex.getMessage())) + " (see --help)");
        return ExitCode.BAD_INPUT.code();
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        boolean debug = isDebug(parseResult);
        ExitCode code;
        String message;
        if (ex instanceof UserError ue) {
            code = ue.exitCode();
            message = ue.getMessage();
        } else if (ex instanceof BadInputException) {
            code = ExitCode.BAD_INPUT;
            message = ex.getMessage();
        } else if (environmentFailure(ex) != null) {
            code = ExitCode.IO_FAILURE;
            message = ex instanceof UncheckedIOException u && u.getMessage() != null
                    && !u.getMessage().equals(String.valueOf(u.getCause()))
                    ? u.getMessage() + " (" + environmentMessage(u.getCause()) + ")"
                    : environmentMessage(environmentFailure(ex));
        } else {
            code = ExitCode.INTERNAL;
            message = "internal error: " + ex + "; this is a bug in gpumem, please report it"
                    + " (rerun with --debug for the stack trace)";
        }
        err.println("gpumem: error: " + PrintableText.escape(oneLine(message)));
        if (debug) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code.code();
    }

    /** @return the I/O failure behind {@code ex} (itself, or the cause of an UncheckedIOException), else null */
    static IOException environmentFailure(Throwable ex) {
        if (ex instanceof IOException io) {
            return io;
        }
        if (ex instanceof UncheckedIOException u) {
            return u.getCause();
        }
        return null;
    }

    /** One sentence naming the path and what the system said. */
    static String environmentMessage(IOException e) {
        if (e instanceof FileSystemException fs && fs.getFile() != null) {
            String why = e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof NoSuchFileException ? "no such file or directory"
                    : fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName();
            String other = fs.getOtherFile() == null ? "" : " (and " + fs.getOtherFile() + ")";
            return "cannot access " + fs.getFile() + other + ": " + why;
        }
        String m = e.getMessage();
        return "input/output failed: " + (m == null || m.isBlank() ? e.getClass().getSimpleName() : m);
    }

    private static boolean isDebug(ParseResult pr) {
        for (ParseResult p = pr; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }

    static String oneLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        return s.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
