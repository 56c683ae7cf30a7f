package dev.gpumem.cli;

import dev.gpumem.compare.Comparison;
import dev.gpumem.compare.ComparisonSummary;
import dev.gpumem.compare.LevelError;
import dev.gpumem.io.ComparisonJson;
import dev.gpumem.report.ComparisonMarkdownWriter;
import dev.gpumem.report.ComparisonTextWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gpumem compare}: Re-estimates profiles and prints the signed error per phase and level. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Re-estimates each profile's request and prints, per phase and level (allocated, reserved,"
            + " device), the signed error estimate − measured in MiB and %%, and a summary (median and 90th percentile"
            + " of the absolute error, share of under-estimates). Absent measurements are shown, not counted.",
            "Exit 1 when --max-error is exceeded."})
public final class CompareCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PROFILE", arity = "1..*", description = "profile .json files (gpumem measure)")
    List<Path> profiles;

    @ArgGroup(exclusive = true)
    Format format = new Format();

    static final class Format {
        @Option(names = "--json", description = "print JSON instead of the table")
        boolean json;

        @Option(names = "--markdown", description = "print Markdown for a CI job summary")
        boolean markdown;
    }

    @Option(names = "--max-error", paramLabel = "PCT",
            description = "exit 1 when any |error| exceeds PCT percent of the measured value")
    Double maxErrorPercent;

    @Mixin
    CalibrationOption calibration;

    private final Workbench bench;

    public CompareCommand() {
        this(null);
    }

    /** @param bench what reads profiles and estimates; null: the real one (with --calibration if given) */
    CompareCommand(Workbench bench) {
        this.bench = bench;
    }

    @Override
    public Integer call() throws IOException {
        if (maxErrorPercent != null && !(maxErrorPercent >= 0)) {
            throw UserError.badInput("--max-error: must be a percentage ≥ 0, got " + maxErrorPercent);
        }
        List<Comparison> comparisons = ProfileComparisons.of(profiles, bench != null ? bench : workbench());
        ComparisonSummary summary = ComparisonSummary.of(comparisons);
        PrintWriter out = spec.commandLine().getOut();
        if (format.json) {
            out.print(ComparisonJson.toJson(comparisons, summary));
        } else if (format.markdown) {
            out.print(ComparisonMarkdownWriter.render(comparisons, summary));
        } else {
            out.print(ComparisonTextWriter.render(comparisons, summary));
        }
        out.flush();
        return exceeded(comparisons, spec.commandLine().getErr());
    }

    private Workbench workbench() throws IOException {
        return new Workbench(calibration.calibrations());
    }

    private int exceeded(List<Comparison> comparisons, PrintWriter err) {
        if (maxErrorPercent == null) {
            return ExitCode.OK.code();
        }
        double limit = maxErrorPercent / 100;
        long over = comparisons.stream().flatMap(c -> c.errors().stream()).filter(LevelError::scored)
                .filter(e -> Math.abs(e.relativeError()) > limit).count();
        if (over == 0) {
            return ExitCode.OK.code();
        }
        err.println(String.format(Locale.ROOT, "gpumem: %d error(s) above --max-error %.2f%%", over,
                maxErrorPercent));
        err.flush();
        return ExitCode.VERDICT_NEGATIVE.code();
    }
}
