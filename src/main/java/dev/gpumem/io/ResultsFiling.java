package dev.gpumem.io;

import dev.gpumem.compare.DeviceCalibration;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.ResultsAdmission;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Files an unpacked GPU check (the top folder of a {@link GpuCheckArchive}) into the results tree: each profile that
 * {@link ResultsAdmission} admits, with its samples CSV, under {@code <results>/<gpu-slug>/}; the calibration under
 * {@code <results>/calibration/<gpu-slug>.json}; the run's summaries (log, machine facts, compare tables) under
 * {@code <results>/<gpu-slug>/<archive name>/}. Everything else is refused with its reasons.
 *
 * <p>Nothing already there is lost: a profile is created exclusively (a different file of the same name already
 * there is a refusal, the same bytes are "already filed"), the CSV is written before its JSON and removed again if
 * the JSON cannot be, and the calibration file is replaced atomically (the older one stays in git history).
 */
public final class ResultsFiling {
    /** The run's summary files that are kept beside its profiles. */
    static final List<String> SUMMARIES = List.of("gpu-check.log", "machine.txt", "compare.txt", "compare.md",
            "compare.json", "compare-calibrated.txt", "compare-calibrated.md");

    private ResultsFiling() {
    }

    /** A profile put under results/ (or found there already with the same bytes). */
    public record Filed(String profile, Path json, boolean alreadyThere) {
    }

    /** A file refused, with every reason. */
    public record Refused(String file, List<String> reasons) {
        public Refused {
            reasons = List.copyOf(reasons);
        }
    }

    /**
     * @param filed        the profiles filed
     * @param refused      the profiles (and a calibration) refused
     * @param calibration  the calibration file written, or null
     * @param summaryDir   the folder the run's summaries went to, or null
     * @param dryRun       true when nothing was written
     */
    public record Outcome(List<Filed> filed, List<Refused> refused, Path calibration, Path summaryDir,
                          boolean dryRun) {
        public Outcome {
            filed = List.copyOf(filed);
            refused = List.copyOf(refused);
        }
    }

    /**
     * @param run     the unpacked archive's top folder ({@code gpu-check-<stamp>/}, with {@code profiles/})
     * @param results the results folder of the repository
     * @param dryRun  check only, write nothing
     */
    public static Outcome file(Path run, Path results, boolean dryRun) throws IOException {
        List<Filed> filed = new ArrayList<>();
        List<Refused> refused = new ArrayList<>();
        Set<String> slugs = new LinkedHashSet<>();
        for (Path json : profileFiles(run.resolve("profiles"))) {
            String name = json.getFileName().toString();
            Profile p;
            try {
                p = ProfileFiles.read(json);
            } catch (IllegalArgumentException | IOException e) {
                refused.add(new Refused(name, List.of("not a readable profile: " + e.getMessage())));
                continue;
            }
            List<String> why = ResultsAdmission.refusals(p);
            if (!why.isEmpty()) {
                refused.add(new Refused(name, why));
                continue;
            }
            String slug = p.provenance().device().slug();
            Path dir = results.resolve(slug);
            Path csv = ProfileFiles.samplesCsvOf(json);
            Path targetJson = dir.resolve(name);
            Path targetCsv = dir.resolve(csv.getFileName().toString());
            if (Files.exists(targetJson)) {
                if (sameBytes(json, targetJson) && Files.exists(targetCsv) && sameBytes(csv, targetCsv)) {
                    filed.add(new Filed(name, targetJson, true));
                    slugs.add(slug);
                } else {
                    refused.add(new Refused(name, List.of("a different " + targetJson + " is already there")));
                }
                continue;
            }
            if (!dryRun) {
                Files.createDirectories(dir);
                boolean csvWritten = copyExclusive(csv, targetCsv);
                try {
                    copyExclusive(json, targetJson);
                } catch (IOException | RuntimeException e) {
                    if (csvWritten) {
                        Files.deleteIfExists(targetCsv);
                    }
                    throw e;
                }
            }
            filed.add(new Filed(name, targetJson, false));
            slugs.add(slug);
        }
        Path calibration = null;
        Path cal = run.resolve("calibration.json");
        if (Files.isRegularFile(cal)) {
            DeviceCalibration c = null;
            try {
                c = CalibrationJson.fromJson(Files.readString(cal), cal.getFileName().toString());
            } catch (IllegalArgumentException e) {
                refused.add(new Refused("calibration.json", List.of(e.getMessage())));
            }
            if (c != null && !slugs.contains(c.gpuSlug())) {
                refused.add(new Refused("calibration.json", List.of("fitted for " + c.gpuSlug()
                        + ", but no real GPU profile of that device was filed with it")));
            } else if (c != null) {
                calibration = results.resolve("calibration").resolve(c.gpuSlug() + ".json");
                if (!dryRun) {
                    AtomicFiles.write(calibration, Files.readAllBytes(cal));
                }
            }
        }
        Path summaryDir = null;
        if (slugs.size() == 1) {
            summaryDir = results.resolve(slugs.iterator().next()).resolve(run.getFileName().toString());
            if (!dryRun) {
                for (String s : SUMMARIES) {
                    Path f = run.resolve(s);
                    if (Files.isRegularFile(f)) {
                        AtomicFiles.write(summaryDir.resolve(s), Files.readAllBytes(f));
                    }
                }
            }
        }
        return new Outcome(filed, refused, calibration, summaryDir, dryRun);
    }

    private static List<Path> profileFiles(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.json")) {
            s.forEach(out::add);
        }
        out.sort(null);
        return out;
    }

    private static boolean sameBytes(Path a, Path b) throws IOException {
        return Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    /** @return true when written; a missing source is nothing to copy (false) */
    private static boolean copyExclusive(Path from, Path to) throws IOException {
        if (!Files.isRegularFile(from)) {
            return false;
        }
        try (AtomicFiles.Staged staged = AtomicFiles.Staged.write(to.getParent(), to.getFileName().toString(),
                out -> Files.copy(from, out))) {
            if (!staged.publishNew(to)) {
                throw new IOException(to + ": appeared while filing; nothing replaced");
            }
            return true;
        }
    }
}
