package dev.gpumem.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** Turns every exception into "gpumem: error: one sentence" and an exit code. Stack traces only with --debug. */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        PrintWriter err = ex.getCommandLine().getErr();
        err.println("gpumem: error: " + oneLine(ex.getMessage()) + " (see --help)");
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
        } else if (ex instanceof IllegalArgumentException) {
            code = ExitCode.BAD_INPUT;
            message = ex.getMessage();
        } else {
            code = ExitCode.INTERNAL;
            message = "internal error: " + ex + " (rerun with --debug for the stack trace)";
        }
        err.println("gpumem: error: " + oneLine(message));
        if (debug) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code.code();
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
