package dev.gpumem.cli;

import dev.gpumem.compare.Comparison;
import dev.gpumem.compare.ComparisonSummary;
import dev.gpumem.compare.Verdict;
import dev.gpumem.io.ComparisonJson;
import dev.gpumem.report.ComparisonMarkdownWriter;
import dev.gpumem.report.ComparisonTextWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
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
            "Exit 1 when a limit (--max-error, --max-peak, --budget-from) is exceeded, with one line naming the"
            + " profile, rank, phase and level; 2 on bad input. Profiles without a request are skipped with a line."})
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

    @Mixin
    VerdictOptions verdict;

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
        Workbench wb = bench != null ? bench : workbench();
        dev.gpumem.compare.Limits limits = verdict.limits(wb);
        ProfileComparisons.Loaded loaded = ProfileComparisons.load(profiles, wb);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        loaded.skipped().forEach(line -> err.println("gpumem: " + line));
        err.flush();
        List<Comparison> comparisons = loaded.comparisons();
        if (comparisons.isEmpty() && limits.maxPeak() == null && limits.budget() == null) {
            throw UserError.badInput("PROFILE: none of the profiles has an estimate request (external commands "
                    + "measured without --request); nothing to compare them with. Measure with `gpumem measure "
                    + "--request R -- CMD`, or check them with --max-peak or --budget-from");
        }
        Verdict v = verdict.wanted() ? Verdict.of(loaded.inputs(), limits) : null;
        ComparisonSummary summary = ComparisonSummary.of(comparisons);
        boolean lineShown = false;
        if (format.json) {
            out.print(ComparisonJson.toJson(comparisons, loaded.jobs(), summary));
        } else if (format.markdown) {
            out.print(comparisons.isEmpty() && v != null ? ComparisonMarkdownWriter.renderVerdict(v)
                    : ComparisonMarkdownWriter.render(comparisons, loaded.jobs(), summary, v));
            lineShown = v != null;
        } else if (!comparisons.isEmpty()) {
            out.print(ComparisonTextWriter.render(comparisons, loaded.jobs(), summary));
        }
        out.flush();
        return v == null ? ExitCode.OK.code() : verdict.report(v, out, err, !lineShown);
    }

    private Workbench workbench() throws IOException {
        return new Workbench(calibration.calibrations());
    }
}
