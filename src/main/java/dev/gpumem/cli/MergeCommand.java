package dev.gpumem.cli;

import dev.gpumem.io.JobProfileJson;
import dev.gpumem.io.ProfileFiles;
import dev.gpumem.measure.JobProfile;
import dev.gpumem.units.ByteFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gpumem merge DIR}: joins the per-node profiles of one multi-node job into one job profile. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = {"Joins the profiles a multi-node job wrote into DIR (one gpumem per node, e.g. srun "
            + "--ntasks-per-node=1 gpumem measure --out DIR/$(hostname) -- torchrun ...) into one job profile: every "
            + "node (host, start time, clock offset to the earliest node), every rank and every GPU, each named by "
            + "its node. Profiles are looked for in DIR and its sub-folders.",
            "Exit 0 when written; 2 when DIR holds no profile, a profile cannot be read, the nodes ran different "
            + "requests, or a rank is in two profiles."})
public final class MergeCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "the shared folder the nodes wrote their profiles into")
    Path dir;

    @Option(names = "--out", paramLabel = "FILE", description = "the job profile to write (default: DIR/job.json)")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(dir)) {
            throw UserError.badInput("merge: " + dir + " is not a folder");
        }
        Path target = out != null ? out : dir.resolve("job.json");
        List<JobProfile.NodeProfile> parts = new ArrayList<>();
        // node files are named relative to the job file's folder, where `compare job.json` looks for them
        Path jobFolder = target.toAbsolutePath().normalize().getParent();
        for (Path file : profiles(dir, target)) {
            try {
                parts.add(new JobProfile.NodeProfile(
                        jobFolder.relativize(file.toAbsolutePath().normalize()).toString(), ProfileFiles.read(file)));
            } catch (IOException | RuntimeException e) {
                throw UserError.badInput("merge: " + file + ": " + e.getMessage());
            }
        }
        JobProfile job;
        try {
            job = JobProfile.join(parts);
        } catch (JobProfile.MismatchException e) {
            throw UserError.badInput("merge: " + e.getMessage() + " (in " + dir + ")");
        }
        JobProfileJson.write(job, target);
        PrintWriter w = spec.commandLine().getOut();
        for (JobProfile.Node n : job.nodes()) {
            w.printf("%s: %s, clock offset %d ms, run peak %s (GiB, 1024-based)%n", n.host(), n.file(),
                    n.clockOffsetMs(), ByteFormat.gib(n.runPeak().device()));
        }
        w.println(job.nodes().size() + " node(s), " + job.ranks().size() + " rank(s), " + job.devices().size()
                + " GPU(s): " + target);
        return 0;
    }

    /** @return the profile JSONs in {@code dir} and its sub-folders (not {@code skip}), in name order */
    private static List<Path> profiles(Path dir, Path skip) throws IOException {
        try (Stream<Path> s = Files.walk(dir, 2)) {
            return s.filter(Files::isRegularFile).filter(p -> p.getFileName().toString().endsWith(".json"))
                    .filter(p -> !p.toAbsolutePath().normalize().equals(skip.toAbsolutePath().normalize()))
                    .filter(JobProfileJson::isProfile).sorted().toList();
        }
    }
}
