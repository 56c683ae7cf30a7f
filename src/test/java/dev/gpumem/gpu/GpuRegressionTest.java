package dev.gpumem.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * with the replay runner, through the CLI exactly as a user would. Replay allocates the estimator's own plan, so this
 * suite is a plan check, not a validation of the estimate (that is the djl backend's and real scripts' job). It
 * fails when
 * <ul>
 *   <li>the replayed plan does not read back as planned: the allocated level (replay's exact live bytes) more than
 *       1 % off the plan, which would be a probe or plan bug; or the device level (NVML's per-process reading: the
 *       CUDA context + cudaMalloc granularity over the plan's bytes, the one real measurement of a replay) more
 *       than 3 % off the estimate's device level, i.e. the estimator's device constants are off for this card;
 *       or</li>
 *   <li>the measured peak device memory grows by more than 2 % against the committed baseline profile
 *       results/&lt;gpu-slug&gt;/baseline/&lt;config&gt;.json. No baseline is committed for any card yet, so this
 *       check is skipped, with that reason, until one is; the check itself is {@link #growthBeyondTolerance}, which
 *       {@link GrowthCheckTest} runs on every machine.</li>
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
    void replayedPlanReadsBackAsPlannedAndTheDeviceOverheadStaysWithinTolerance(Config config) throws IOException {
        JsonNode cmp = compareJson(measure(config));
        List<String> over = new ArrayList<>();
        int checked = 0;
        for (JsonNode row : cmp.path("comparisons").get(0).path("rows")) {
            if (row.path("error_rel").isNull() || row.path("error_rel").isMissingNode()) {
                continue;
            }
            String level = row.path("level").asText();
            double tol = switch (level) {
                case "device" -> DEVICE_TOLERANCE;
                case "allocated" -> ALLOCATED_TOLERANCE;
                default -> Double.NaN; // reserved: replay without the allocator model has none
            };
            if (Double.isNaN(tol)) {
                continue;
            }
            String expectedCheck = level.equals("device") ? "device_overhead_check" : "plan_check";
            assertEquals(expectedCheck, row.path("check").asText(), "compare labels a replay's " + level + " row");
            checked++;
            double e = row.path("error_rel").asDouble();
            if (Math.abs(e) > tol) {
                over.add(String.format(Locale.ROOT, "%s/%s %+.2f%% (tolerance %.0f%%; %s)",
                        row.path("phase").asText(), level, 100 * e, 100 * tol, level.equals("device")
                                ? "context + cudaMalloc granularity against the estimator's device constants"
                                : "replay's live bytes against the plan"));
            }
        }
        assertTrue(checked > 0, config.id() + ": no level was measured, so nothing was checked");
        assertTrue(over.isEmpty(), config.id() + ": " + String.join("; ", over));
        assertEquals(0, cmp.path("summary").path("overall").path("n").asInt(),
                "a replay's rows are plan checks, never in the estimate-error statistics");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void peakDeviceMemoryDoesNotGrowAgainstCommittedBaseline(Config config) throws IOException {
        Path file = measure(config);
        Profile now = ProfileFiles.read(file);
        Path baseline = Path.of("results", now.provenance().device().slug(), "baseline", config.id() + ".json");
        assumeTrue(Files.exists(baseline), "growth NOT checked: no baseline profile is committed at " + baseline
                + " (none is committed for any card yet); to start one, commit " + file + " there");
        growthBeyondTolerance(ProfileFiles.read(baseline), now).ifPresent(why -> fail(config.id() + ": " + why));
    }

    /** @return why {@code now}'s peak device memory grew beyond {@link #GROWTH_TOLERANCE} over {@code before}'s */
    static Optional<String> growthBeyondTolerance(Profile before, Profile now) {
        long was = peakDevice(before);
        long is = peakDevice(now);
        if (is <= was * (1 + GROWTH_TOLERANCE)) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "peak device memory grew from %d to %d bytes (+%.2f%%,"
                + " tolerance %.0f%%)", was, is, 100.0 * (is - was) / was, 100 * GROWTH_TOLERANCE));
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
