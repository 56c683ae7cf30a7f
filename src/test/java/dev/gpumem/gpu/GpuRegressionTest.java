package dev.gpumem.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gpumem.cli.Main;
import dev.gpumem.io.ProfileFiles;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The GPU regression suite (`mvn verify -Pgpu`, or scripts/gpu-ci.sh): measures a small matrix of configs on the card
 * with the replay runner, through the CLI exactly as a user would, and fails when
 * <ul>
 *   <li>the estimate's error at a level passes that level's tolerance (device 3 %, the issue-6 target before
 *       calibration; allocated 1 %, since replay allocates the estimator's own tensors), or</li>
 *   <li>the measured peak device memory grows by more than 2 % against the committed baseline profile
 *       results/&lt;gpu-slug&gt;/baseline/&lt;config&gt;.json (a config without one is reported as skipped, not
 *       passed).</li>
 * </ul>
 * Without an NVIDIA driver every test is skipped with the reason ({@link GpuPresence}); nothing here runs then.
 */
@Tag("gpu")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GpuRegressionTest {
    static final double DEVICE_TOLERANCE = 0.03;
    static final double ALLOCATED_TOLERANCE = 0.01;
    static final double GROWTH_TOLERANCE = 0.02;

    /** Kept after the run (not a temp folder), so a GPU CI job can keep the profiles and a person can start a
     * baseline from them. */
    static final Path WORK = Path.of("target", "gpu-suite");

    private final Map<String, Path> measured = new HashMap<>();

    /** Per test, not per class: surefire then lists every test as skipped with this reason. */
    @BeforeEach
    void requireGpu() {
        Optional<String> missing = GpuPresence.missingReason();
        assumeTrue(missing.isEmpty(), () -> missing.orElse(""));
    }

    /** @param id names the config; @param flags request flags of `gpumem estimate` / `gpumem measure` */
    record Config(String id, List<String> flags) {
        @Override
        public String toString() {
            return id;
        }
    }

    static Stream<Config> configs() {
        return Stream.of(
                new Config("gpt2-fp32-adamw-b2-s256", List.of("--model", "gpt2", "--task", "train", "--precision",
                        "fp32", "--optimizer", "adamw", "--batch", "2", "--seq", "256")),
                new Config("llama8b-l2-bf16-adamw-s512", List.of("--model", "llama-3.1-8b", "--override",
                        "num_hidden_layers=2", "--task", "train", "--precision", "bf16", "--optimizer", "adamw",
                        "--batch", "1", "--seq", "512")),
                new Config("llama8b-l2-infer-kv2048", List.of("--model", "llama-3.1-8b", "--override",
                        "num_hidden_layers=2", "--task", "inference", "--precision", "bf16", "--optimizer", "none",
                        "--batch", "1", "--seq", "2048", "--context-tokens", "2048")));
    }

    private Path measure(Config config) throws IOException {
        String id = config.id();
        Path have = measured.get(id);
        if (have != null) {
            return have;
        }
        Path out = Files.createDirectories(WORK.resolve(id));
        List<String> args = new ArrayList<>(List.of("measure", "--backend", "replay", "--id", id));
        args.addAll(config.flags());
        args.addAll(List.of("--out", out.toString()));
        StringWriter err = new StringWriter();
        int code = Main.run(args.toArray(String[]::new), new PrintWriter(new StringWriter()), new PrintWriter(err));
        if (code != 0) {
            fail("gpumem " + String.join(" ", args) + " exited " + code + ": " + err.toString().strip());
        }
        try (Stream<Path> files = Files.list(out)) {
            Path json = files.filter(f -> f.toString().endsWith(".json")).max(Comparator.naturalOrder())
                    .orElseThrow(() -> new AssertionError("measure wrote no profile under " + out));
            measured.put(id, json);
            return json;
        }
    }

    private static JsonNode compareJson(Path profile) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"compare", "--json", profile.toString()}, new PrintWriter(out), new PrintWriter(err));
        if (code != 0) {
            fail("gpumem compare exited " + code + ": " + err.toString().strip());
        }
        return new ObjectMapper().readTree(out.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void estimateErrorStaysWithinTolerance(Config config) throws IOException {
        JsonNode cmp = compareJson(measure(config));
        List<String> over = new ArrayList<>();
        int scored = 0;
        for (JsonNode row : cmp.path("comparisons").get(0).path("rows")) {
            if (row.path("error_rel").isNull() || row.path("error_rel").isMissingNode()) {
                continue;
            }
            double tol = switch (row.path("level").asText()) {
                case "device" -> DEVICE_TOLERANCE;
                case "allocated" -> ALLOCATED_TOLERANCE;
                default -> Double.NaN; // reserved: replay without the allocator model has none
            };
            if (Double.isNaN(tol)) {
                continue;
            }
            scored++;
            double e = row.path("error_rel").asDouble();
            if (Math.abs(e) > tol) {
                over.add(String.format(Locale.ROOT, "%s/%s %+.2f%% (tolerance %.0f%%)", row.path("phase").asText(),
                        row.path("level").asText(), 100 * e, 100 * tol));
            }
        }
        assertTrue(scored > 0, config.id() + ": no level was measured, so nothing was checked");
        assertTrue(over.isEmpty(), config.id() + ": " + String.join("; ", over));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void peakDeviceMemoryDoesNotGrowAgainstCommittedBaseline(Config config) throws IOException {
        Path file = measure(config);
        Profile now = ProfileFiles.read(file);
        Path baseline = Path.of("results", now.provenance().device().slug(), "baseline", config.id() + ".json");
        assumeTrue(Files.exists(baseline), "no committed baseline " + baseline + " for this card: growth not checked"
                + " (copy " + file + " there to start one)");
        long before = peakDevice(ProfileFiles.read(baseline));
        long after = peakDevice(now);
        assertTrue(after <= before * (1 + GROWTH_TOLERANCE), String.format(Locale.ROOT,
                "%s: peak device memory grew from %d to %d bytes (+%.2f%%, tolerance %.0f%%)", config.id(), before,
                after, 100.0 * (after - before) / before, 100 * GROWTH_TOLERANCE));
    }

    /** the largest per-process peak over phases, else the largest device-wide peak */
    static long peakDevice(Profile profile) {
        long max = -1;
        for (PhaseReading ph : profile.phases()) {
            max = Math.max(max, ph.peakProcess() != null ? ph.peakProcess() : ph.peakDevice());
        }
        if (max < 0) {
            throw new AssertionError("profile has no phase peaks");
        }
        return max;
    }
}
