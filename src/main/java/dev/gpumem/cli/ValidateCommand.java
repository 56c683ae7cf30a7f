package dev.gpumem.cli;

import dev.gpumem.compare.ValidationScore;
import dev.gpumem.io.ValidationScoreJson;
import dev.gpumem.report.ValidationScoreTextWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gpumem validate}: the estimator against published measurements. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = {"Runs every published case (validation/requests.jsonl) through the estimator and prints the"
            + " error statistics as validation/score.py computes them, in percentages: median and 90th percentile"
            + " of the absolute relative error, share of under-estimates, worst cases; for all cases, per level"
            + " and per trust (complete, partial), with a legend. --score-py prints score.py's own lines."})
public final class ValidateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR",
            description = "validation folder (default: validation/ of the gpumem checkout, else ./validation)")
    Path dir;

    @Option(names = "--json", description = "print score.py's JSON result instead of the text")
    boolean json;

    @Option(names = "--score-py", description = "print validation/score.py's report lines (errors as fractions) "
            + "instead of the table, to diff against it")
    boolean scorePyLines;

    final Workbench bench;

    public ValidateCommand() {
        this(new Workbench());
    }

    ValidateCommand(Workbench bench) {
        this.bench = bench;
    }

    @Override
    public Integer call() throws IOException {
        ValidationScore score = ValidationRun.run(dir != null ? dir : defaultDir(), bench);
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? ValidationScoreJson.toJson(score)
                : scorePyLines ? ValidationScoreTextWriter.renderScorePyLines(score)
                : ValidationScoreTextWriter.render(score));
        out.flush();
        return ExitCode.OK.code();
    }

    static Path defaultDir() {
        String home = System.getProperty("gpumem.home");
        return home != null ? Path.of(home, "validation") : Path.of("validation");
    }
}
