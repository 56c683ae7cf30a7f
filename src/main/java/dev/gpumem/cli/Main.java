package dev.gpumem.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;

/** Entry point. {@link #run} is what tests call; only {@link #main} exits. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(args, out, err);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** The verbs by name, in the order --help lists them. */
    private static final List<Map.Entry<String, Supplier<Object>>> VERBS = List.of(
            Map.entry("estimate", EstimateCommand::new), Map.entry("fit", FitCommand::new),
            Map.entry("suggest", SuggestCommand::new), Map.entry("models", ModelsCommand::new),
            Map.entry("gpus", GpusCommand::new), Map.entry("frameworks", FrameworksCommand::new),
            Map.entry("measure", MeasureCommand::new), Map.entry("compare", CompareCommand::new),
            Map.entry("calibrate", CalibrateCommand::new), Map.entry("report", ReportCommand::new),
            Map.entry("validate", ValidateCommand::new), Map.entry("file-results", FileResultsCommand::new),
            Map.entry("doctor", DoctorCommand::new), Map.entry("bench", BenchCommand::new),
            Map.entry("merge", MergeCommand::new));

    /** Runs the CLI with the given streams and returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine(out, err, verb(args));
        return cl.execute(args);
    }

    /** The configured picocli command tree, with the one-line error handling. */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, null);
    }

    /**
     * @param verb the only subcommand to build (picocli reads every command's annotations when it adds it: a
     *             third of a cold start), or null for all of them
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, String verb) {
        CommandLine cl = new CommandLine(new GpumemCommand());
        for (Map.Entry<String, Supplier<Object>> v : VERBS) {
            if (verb == null || verb.equals(v.getKey())) {
                cl.addSubcommand(v.getKey(), v.getValue().get());
            }
        }
        cl.setOut(out);
        cl.setErr(err);
        ErrorHandler handler = new ErrorHandler();
        cl.setExecutionExceptionHandler(handler);
        cl.setParameterExceptionHandler(handler);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    /** @return the verb the arguments name (their first that is not an option), null when they name none */
    private static String verb(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) {
                return VERBS.stream().anyMatch(v -> v.getKey().equals(a)) ? a : null;
            }
        }
        return null;
    }
}
