package dev.gpumem.cli;

import dev.gpumem.io.GpuCheckArchive;
import dev.gpumem.io.ResultsFiling;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gpumem file-results DIR}: files what a GPU machine returned from scripts/gpu-check.sh into results/. */
@Command(name = "file-results", mixinStandardHelpOptions = true,
        description = {"Files what scripts/gpu-check.sh returned from a GPU machine: finds the gpu-check-<stamp>"
            + ".tar.gz archive (or its .part-NN files) in DIR, checks its SHA-256, unpacks it, and puts every real GPU"
            + " profile (GPU name and UUID, driver, CUDA, NVML, tool version and commit recorded; samples present)"
            + " with its samples under results/<gpu-slug>/, the calibration under results/calibration/<gpu-slug>.json"
            + " and the run's log and compare tables under results/<gpu-slug>/<archive name>/. CPU-twin, stub and"
            + " incomplete profiles are refused with their reasons.",
            "Exit 0 when every profile was filed, 2 when any was refused or the archive is missing or corrupt"
            + " (what was admitted is filed all the same)."})
public final class FileResultsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "the folder that came back (the device run's files_at, or OUT)")
    Path dir;

    @Option(names = "--results", paramLabel = "DIR", description = "the results folder (default: results/ of gpumem's home)")
    Path results;

    @Option(names = "--dry-run", description = "check and list only; write nothing")
    boolean dryRun;

    @Override
    public Integer call() throws IOException {
        Path resultsRoot = results != null ? results : ToolInfo.home().resolve("results");
        PrintWriter w = spec.commandLine().getOut();
        int filed = 0;
        int refused = 0;
        try {
            for (GpuCheckArchive archive : GpuCheckArchive.find(dir)) {
                Path tmp = Files.createTempDirectory("gpumem-file-results");
                try {
                    Path run = archive.unpack(tmp);
                    w.println(archive.name() + ": " + archive.parts().size() + " part(s), SHA-256 "
                            + (archive.sha256() != null ? "checked" : "not checked (no .sha256 file came back)"));
                    ResultsFiling.Outcome o = ResultsFiling.file(run, resultsRoot, dryRun);
                    String verb = dryRun ? "would file " : "filed ";
                    for (ResultsFiling.Filed f : o.filed()) {
                        w.println("  " + (f.alreadyThere() ? "already filed " : verb) + f.json());
                    }
                    for (ResultsFiling.Refused r : o.refused()) {
                        w.println("  refused " + r.file() + ": " + String.join("; ", r.reasons()));
                    }
                    if (o.calibration() != null) {
                        w.println("  " + (dryRun ? "would write " : "wrote ") + o.calibration());
                    }
                    if (o.summaryDir() != null) {
                        w.println("  " + (dryRun ? "would keep " : "kept ") + "the run's log and compare tables in "
                                + o.summaryDir());
                    }
                    filed += o.filed().size();
                    refused += o.refused().size();
                } finally {
                    deleteTree(tmp);
                }
            }
        } catch (GpuCheckArchive.Problem e) {
            throw UserError.badInput(e.getMessage());
        }
        w.println((dryRun ? "would file " : "filed ") + filed + " profile(s) under " + resultsRoot
                + (refused > 0 ? ", refused " + refused + " file(s)" : ""));
        w.flush();
        return refused > 0 ? ExitCode.BAD_INPUT.code() : ExitCode.OK.code();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
