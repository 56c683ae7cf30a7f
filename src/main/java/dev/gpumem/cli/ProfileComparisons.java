package dev.gpumem.cli;

import dev.gpumem.compare.Comparison;
import dev.gpumem.compare.JobComparison;
import dev.gpumem.compare.Verdict;
import dev.gpumem.estimate.device.Calibration;
import dev.gpumem.io.JobProfileJson;
import dev.gpumem.io.ProfileFiles;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.Profile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads profile files and sets each against the re-estimate of the request it ran. A profile without a request
 * (an external command measured without --request) is skipped with one line, not fatal: the others are compared.
 */
final class ProfileComparisons {
    private ProfileComparisons() {
    }

    /**
     * What was read.
     *
     * @param inputs      every profile, with its comparison where it has a request (for the verdict)
     * @param comparisons the profiles that have an estimate to compare with
     * @param skipped     one line per profile left out of the comparison
     * @param jobs        the job profiles given (gpumem merge's job.json): their node comparisons, which are also in
     *                    {@code comparisons}
     */
    record Loaded(List<Verdict.Input> inputs, List<Comparison> comparisons, List<String> skipped,
                  List<JobComparison> jobs) {
    }

    /** @return the comparisons; a profile without a request is named in {@code skipped} and left out */
    static List<Comparison> of(List<Path> files, Workbench bench, java.util.function.Consumer<String> skipped)
            throws IOException {
        Loaded l = load(files, bench);
        l.skipped().forEach(skipped);
        return l.comparisons();
    }

    /** @return the comparisons; a profile without a request is bad input here (calibrate needs every one) */
    static List<Comparison> of(List<Path> files, Workbench bench) throws IOException {
        Loaded l = load(files, bench);
        if (!l.skipped().isEmpty()) {
            throw UserError.badInput("PROFILE: " + l.skipped().get(0).substring("skipped ".length()));
        }
        return l.comparisons();
    }

    static Loaded load(List<Path> files, Workbench bench) throws IOException {
        if (files == null || files.isEmpty()) {
            throw UserError.badInput("PROFILE: give at least one profile .json file");
        }
        List<Comparison> out = new ArrayList<>();
        List<Verdict.Input> inputs = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<JobComparison> jobs = new ArrayList<>();
        for (Path given : files) {
            ProfileFiles.requireRegularFile(given, "PROFILE");
            if (!JobProfileJson.isJob(given)) {
                add(bench.readProfile(given), given.getFileName().toString(), given, bench, out, inputs, skipped);
                continue;
            }
            // a job profile: each node's profile against the request, labelled by the job and the node's host
            int from = out.size();
            for (Path node : JobProfileJson.nodeProfiles(given)) {
                if (!Files.isRegularFile(node)) {
                    throw UserError.badInput("PROFILE: " + given + " names the node profile " + node
                            + ", which is not there (compare reads a job's node profiles from the job file's folder)");
                }
                Profile p = bench.readProfile(node);
                add(p, given.getFileName() + "@" + p.provenance().host(), node, bench, out, inputs, skipped);
            }
            jobs.add(new JobComparison(given.getFileName().toString(), out.subList(from, out.size())));
        }
        return new Loaded(inputs, out, skipped, jobs);
    }

    private static void add(Profile p, String label, Path file, Workbench bench, List<Comparison> out,
                            List<Verdict.Input> inputs, List<String> skipped) {
        if (p.request() == null) {
            skipped.add("skipped " + file + ": no estimate request (an external command measured without "
                    + "--request); measure with `gpumem measure --request R -- CMD` to compare it");
            inputs.add(new Verdict.Input(label, p, null));
            return;
        }
        Comparison c = Comparison.of(label, p, bench.estimate(p.request()));
        if (p.request().gpu() == null && p.provenance().device().kind() == DeviceInfo.Kind.GPU) {
            // measure fills the gpu from the device it ran on; a profile without one is older than that, or
            // from a card whose architecture could not be told: re-estimated as the runner ran it (a replay
            // plan used the same defaults), but say so
            List<String> notes = new ArrayList<>(c.notes());
            notes.add("the request names no GPU, so it was estimated with the no-GPU device defaults, not "
                    + p.provenance().device().name() + "'s; give the request a gpu to use that card's");
            c = new Comparison(c.label(), c.profile(), c.estimate(), c.errors(), notes);
        }
        for (Calibration cal : bench.calibrations()) {
            if (p.request().gpu() == null || p.request().gpu().arch() != cal.arch()) {
                List<String> notes = new ArrayList<>(c.notes());
                notes.add("the calibration for " + cal.arch().wire() + " does not apply: the request's GPU is "
                        + (p.request().gpu() == null ? "not named" : p.request().gpu().arch().wire()));
                c = new Comparison(c.label(), c.profile(), c.estimate(), c.errors(), notes);
            }
        }
        out.add(c);
        inputs.add(new Verdict.Input(label, p, c));
    }
}
