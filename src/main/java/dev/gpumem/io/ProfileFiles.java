package dev.gpumem.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gpumem.input.BadInputException;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.Sample;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
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
     * @throws BadInputException when a test-double profile would land under a results folder
     * @throws IOException              when the folder cannot take the files (nothing is left in it)
     */
    public static Path write(Profile p, Path dir) throws IOException {
        if (p.provenance().testDouble() && underResults(dir)) {
            throw new BadInputException("out: a profile measured on stub drivers is a test double and is "
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

    /**
     * Reads a profile and the samples CSV it names; every error names the file it is about.
     *
     * @throws BadInputException a missing file, a directory, a FIFO or device, or a malformed or out-of-range field
     * @throws IOException       the file exists but cannot be read (permissions, I/O)
     */
    public static Profile read(Path json) throws IOException {
        requireRegularFile(json, "profile");
        String text = readText(json);
        Profile withoutSamples = ProfileJson.fromJson(json.toString(), text, List.of());
        JsonNode csvName = new com.fasterxml.jackson.databind.ObjectMapper().readTree(text).path("samples_csv");
        if (!csvName.isMissingNode() && !csvName.isNull() && !csvName.isTextual()) {
            throw new BadInputException(json + ": samples_csv: must be a file name, got " + csvName);
        }
        String csv = csvName.asText("");
        List<Sample> samples = List.of();
        if (!csv.isEmpty()) {
            Path csvPath = json.resolveSibling(csv);
            if (Files.exists(csvPath)) {
                requireRegularFile(csvPath, "samples CSV");
                samples = SamplesCsv.fromCsv(csvPath.toString(), readText(csvPath));
            }
        }
        return new Profile(withoutSamples.schemaVersion(), withoutSamples.provenance(), withoutSamples.request(),
                withoutSamples.command(), withoutSamples.baseline(), withoutSamples.markedBaseline(),
                withoutSamples.phases(), samples, withoutSamples.sampleRateHz(), withoutSamples.events(),
                withoutSamples.ranks(), withoutSamples.devices());
    }

    /** @return the samples CSV a profile JSON names ({@code samples_csv}), beside it; the conventional name if none */
    public static Path samplesCsvOf(Path json) throws IOException {
        String csv = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Files.readString(json))
                .path("samples_csv").asText("");
        if (csv.isEmpty() || csv.contains("/")) {
            String name = json.getFileName().toString();
            csv = (name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + ".samples.csv";
        }
        return json.resolveSibling(csv);
    }

    private static String readText(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (CharacterCodingException e) {
            throw new BadInputException(file + ": not UTF-8 text (a profile is JSON, its samples CSV)");
        }
    }

    /**
     * @param what what the file should be, for the message ("profile", "samples CSV")
     * @throws BadInputException "{@code what: no such file: X}", "{@code X is a directory}", "{@code X is not a
     *                           regular file}" (a FIFO, socket or device would block or never end)
     */
    public static void requireRegularFile(Path file, String what) {
        if (Files.isDirectory(file)) {
            throw new BadInputException(what + ": " + file + " is a directory");
        }
        if (!Files.exists(file)) {
            throw new BadInputException(what + ": no such file: " + file);
        }
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(what + ": " + file + " is not a regular file (a FIFO, socket or device)");
        }
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
