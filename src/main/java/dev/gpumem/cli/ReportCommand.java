package dev.gpumem.cli;

import dev.gpumem.report.ReportWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gpumem report}: charts and a static HTML page for profiles against their estimates. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Writes, for each profile, memory over time with phase bands and the estimate per phase, and"
            + " the estimate's components per phase; for all of them, estimated vs measured; and index.html showing"
            + " them with the error tables (self-contained: no script, no external URL)."})
public final class ReportCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PROFILE", arity = "1..*", description = "profile .json files (gpumem measure)")
    List<Path> profiles;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "folder to write into")
    Path out;

    final Workbench bench;

    public ReportCommand() {
        this(new Workbench());
    }

    ReportCommand(Workbench bench) {
        this.bench = bench;
    }

    @Override
    public Integer call() throws IOException {
        // charts render off-screen; a GPU machine or CI runner has no display
        System.setProperty("java.awt.headless", "true");
        List<Path> files;
        PrintWriter err = spec.commandLine().getErr();
        List<dev.gpumem.compare.Comparison> comparisons = ProfileComparisons.of(profiles, bench,
                line -> err.println("gpumem: " + line));
        err.flush();
        if (comparisons.isEmpty()) {
            throw UserError.badInput("PROFILE: none of the profiles has an estimate request; nothing to report");
        }
        try {
            files = new ReportWriter("gpumem " + VersionProvider.version() + " (" + ToolInfo.gitCommit() + ")")
                    .write(comparisons, out);
        } catch (NoClassDefFoundError e) {
            // the device bundle (scripts/device-bundle.sh) leaves out java.desktop and jfreechart on purpose
            throw UserError.badInput("report: charts need the java.desktop module and jfreechart, which this runtime"
                    + " lacks (a device bundle?); copy the profiles to a machine with the full build and run it there");
        }
        PrintWriter w = spec.commandLine().getOut();
        w.println("wrote " + files.size() + " files; open " + out.resolve(ReportWriter.INDEX));
        w.flush();
        return ExitCode.OK.code();
    }
}
