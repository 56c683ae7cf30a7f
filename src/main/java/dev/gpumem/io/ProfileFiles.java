package dev.gpumem.io;

import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Where profiles live and how they are written: {@code <results>/<gpu-slug>/<timestamp>-<runner>-<model>.json}
 * with {@code .samples.csv} beside it, both written atomically. A profile made on test-double drivers
 * ({@link DeviceInfo.Kind#STUB}) is refused anywhere under a {@code results} folder.
 */
public final class ProfileFiles {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private ProfileFiles() {
    }

    /**
     * @param dir the folder to write into: {@code results/<gpu-slug>} by default, or the user's {@code --out}
     * @return the JSON file name for the profile: {@code <timestamp>-<runner>-<model>.json}
     */
    public static String fileName(Profile p) {
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
        return STAMP.format(started) + "-" + p.provenance().runner() + "-" + (slug.isEmpty() ? "run" : slug)
                + ".json";
    }

    /** @return the default folder for a profile: {@code <results>/<gpu-slug>} */
    public static Path defaultDir(Path results, Profile p) {
        return results.resolve(p.provenance().device().slug());
    }

    /**
     * Writes the JSON and its samples CSV atomically into {@code dir}.
     *
     * @return the JSON file
     * @throws IllegalArgumentException when a test-double profile would land under a results folder
     */
    public static Path write(Profile p, Path dir) throws IOException {
        if (p.provenance().testDouble() && underResults(dir)) {
            throw new IllegalArgumentException("out: a profile measured on stub drivers is a test double and is "
                    + "never written under results/; give --out outside results/");
        }
        String name = fileName(p);
        String csvName = name.substring(0, name.length() - ".json".length()) + ".samples.csv";
        Path json = dir.resolve(name);
        AtomicFiles.write(dir.resolve(csvName), out -> SamplesCsv.write(p.samples(), out));
        AtomicFiles.writeString(json, ProfileJson.toJson(p, csvName));
        return json;
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
                withoutSamples.command(), withoutSamples.baseline(), withoutSamples.markedBaseline(),
                withoutSamples.phases(), samples, withoutSamples.sampleRateHz(), withoutSamples.events(),
                withoutSamples.ranks());
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
