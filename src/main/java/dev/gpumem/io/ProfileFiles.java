package dev.gpumem.io;

import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.Sample;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Where profiles live and how they are written: {@code <results>/<gpu-slug>/<timestamp>-<runner>-<model>.json}
 * with {@code .samples.csv} beside it. The timestamp is UTC to the millisecond; a name that is taken (two runs in
 * the same millisecond) gets {@code -2}, {@code -3}, ... Both files are written in full under temp names first, then
 * published without replacing anything (the CSV first, the JSON last), so a reader that finds the JSON finds its
 * CSV complete, no run overwrites another, and a failure leaves neither. A profile made on test-double drivers
 * ({@link DeviceInfo.Kind#STUB}) is refused anywhere under a {@code results} folder.
 */
public final class ProfileFiles {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private static final String CSV_SUFFIX = ".samples.csv";
    private static final int MAX_SUFFIX = 10_000;

    private ProfileFiles() {
    }

    /**
     * @return the JSON file name for the profile: {@code <timestamp>-<runner>-<model>.json} (the written file gets
     *         {@code -2}, {@code -3}, ... before {@code .json} when that name is taken)
     */
    public static String fileName(Profile p) {
        return stem(p) + ".json";
    }

    /** @return the name without suffix: {@code <timestamp>-<runner>-<model>} */
    private static String stem(Profile p) {
        Instant started;
        try {
            started = Instant.parse(p.provenance().startedAt());
        } catch (RuntimeException e) {
            started = Instant.EPOCH;
        }
        String model = p.request() != null ? p.request().model()
                : p.command() != null && !p.command().isEmpty() ? Path.of(p.command().get(0)).getFileName().toString()
                : "run";
        String slug = model.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("(^-+|-+$)", "");
        if (slug.length() > 60) {
            slug = slug.substring(slug.length() - 60);
        }
        return STAMP.format(started) + "-" + p.provenance().runner() + "-" + (slug.isEmpty() ? "run" : slug);
    }

    /** @return the default folder for a profile: {@code <results>/<gpu-slug>} */
    public static Path defaultDir(Path results, Profile p) {
        return results.resolve(p.provenance().device().slug());
    }

    /**
     * Writes the JSON and its samples CSV into {@code dir} under a name no other file has: both are written in full
     * under temp names, then the CSV is published and the JSON last (neither replaces a file). On any failure
     * neither is left behind.
     *
     * @return the JSON file
     * @throws IllegalArgumentException when a test-double profile would land under a results folder
     * @throws IOException              when the folder cannot take the files (nothing is left in it)
     */
    public static Path write(Profile p, Path dir) throws IOException {
        if (p.provenance().testDouble() && underResults(dir)) {
            throw new IllegalArgumentException("out: a profile measured on stub drivers is a test double and is "
                    + "never written under results/; give --out outside results/");
        }
        Files.createDirectories(dir);
        String stem = stem(p);
        try (AtomicFiles.Staged csv = AtomicFiles.Staged.write(dir, stem + CSV_SUFFIX,
                out -> SamplesCsv.write(p.samples(), out))) {
            for (int n = 1; n <= MAX_SUFFIX; n++) {
                String name = n == 1 ? stem : stem + "-" + n;
                Path json = dir.resolve(name + ".json");
                if (Files.exists(json, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        || !csv.publishNew(dir.resolve(name + CSV_SUFFIX))) {
                    continue;
                }
                boolean done = false;
                try (AtomicFiles.Staged body = AtomicFiles.Staged.write(dir, name + ".json",
                        out -> out.write(ProfileJson.toJson(p, name + CSV_SUFFIX)
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
                    done = body.publishNew(json);
                } finally {
                    if (!done) {
                        csv.withdraw();
                    }
                }
                if (done) {
                    return json;
                }
            }
        }
        throw new IOException("no free profile name in " + dir + " after " + MAX_SUFFIX + " tries for " + stem);
    }

    /**
     * Makes sure {@code dir} can take a profile before anything is measured: creates it if missing and writes and
     * removes an empty probe file in it.
     *
     * @throws NotDirectoryException when {@code dir} (or a folder above it) is not a directory
     * @throws IOException           when it cannot be created or written (read-only, permissions)
     */
    public static void requireWritableDir(Path dir) throws IOException {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new NotDirectoryException(p.toString());
                }
                break;
            }
        }
        Files.createDirectories(dir);
        Path probe = Files.createTempFile(dir, ".gpumem-write-check.", ".tmp");
        Files.delete(probe);
    }

    /**
     * Creates a new folder for one run's side files (the child's stdout, stderr, markers) in {@code parent}:
     * {@code <timestamp>-<runner>-output}, with {@code -2}, {@code -3}, ... when a run in the same millisecond
     * took that name. Never shared by two runs.
     */
    public static Path createRunFolder(Path parent, Instant started, String runner) throws IOException {
        Files.createDirectories(parent);
        String stem = STAMP.format(started) + "-" + runner;
        for (int n = 1; n <= MAX_SUFFIX; n++) {
            Path dir = parent.resolve(stem + (n == 1 ? "" : "-" + n) + "-output");
            try {
                return Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                // taken by a run in the same millisecond: the next suffix
            }
        }
        throw new IOException("no free run folder name in " + parent + " after " + MAX_SUFFIX + " tries");
    }

    /** @return where a profile goes when its folder cannot take it: {@code <java.io.tmpdir>/gpumem-profiles} */
    public static Path fallbackDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "gpumem-profiles");
    }

    /** Reads a profile and the samples CSV it names. */
    public static Profile read(Path json) throws IOException {
        String text;
        try {
            text = Files.readString(json);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("profile: file not found: " + json);
        }
        Profile withoutSamples = ProfileJson.fromJson(text, List.of());
        String csv = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text).path("samples_csv").asText("");
        List<Sample> samples = List.of();
        if (!csv.isEmpty()) {
            Path csvPath = json.resolveSibling(csv);
            if (Files.exists(csvPath)) {
                samples = SamplesCsv.fromCsv(Files.readString(csvPath));
            }
        }
        return new Profile(withoutSamples.schemaVersion(), withoutSamples.provenance(), withoutSamples.request(),
                withoutSamples.command(), withoutSamples.baseline(), withoutSamples.phases(), samples,
                withoutSamples.sampleRateHz(), withoutSamples.events());
    }

    /** @return true when {@code dir} is, or lies inside, a folder named {@code results} */
    static boolean underResults(Path dir) {
        for (Path part : dir.toAbsolutePath().normalize()) {
            if (part.toString().equals("results")) {
                return true;
            }
        }
        return false;
    }
}
