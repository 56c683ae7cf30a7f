package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gpumem.compare.Measured;
import dev.gpumem.compare.MeasuredLevels;
import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.ProfileFiles;
import dev.gpumem.io.RequestFiles;
import dev.gpumem.io.RequestJson;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RankReading;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CPU demonstration of issue 12 (docs/training-scripts.md): python/examples/cpu_ranks.py, using the marker helper,
 * runs as two "ranks" (two processes with RANK set, no torch.distributed) under {@code gpumem measure --request}.
 * Each rank allocates, phase by phase, the estimate's live tensors for the request (what the CPU twin is compared
 * with), rank 1 × 1.5. The profile
 * must hold both ranks with their own phases, each reading within 5 % of what that rank allocated; {@code compare}
 * then passes rank 0 and fails rank 1 under --max-error 5, naming it, in Markdown and JUnit XML.
 */
class TwoRankCpuDemoTest {
    private static final Path SCRIPT = Path.of("python", "examples", "cpu_ranks.py");
    private static final double SKEW = 0.5;

    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void twoRanksAreMeasuredApartComparedAgainstTheRequestAndGetAMarkdownAndJunitVerdict() throws Exception {
        assumeTrue(Files.exists(SCRIPT), "run from the repository root");
        assumeTrue(pythonWorks(), "python3 is not installed");
        Path config = tmp.resolve("config.json");
        Files.writeString(config, "{\"model_type\":\"llama\",\"hidden_size\":256,\"num_hidden_layers\":2,"
                + "\"num_attention_heads\":4,\"num_key_value_heads\":4,\"intermediate_size\":688,"
                + "\"vocab_size\":32000,\"tie_word_embeddings\":false,\"torch_dtype\":\"float32\"}");
        Path request = tmp.resolve("req.json");
        Files.writeString(request, "{\"model\":\"" + config + "\",\"task\":\"train\",\"precision\":\"fp32\","
                + "\"optimizer\":\"adamw\",\"batch\":1,\"seq\":64,\"gpu\":\"h100-80gb\"}");
        // the request names its card, so the sizes below and compare's re-estimate use the same device constants
        RunConfig cfg = new RequestJson(GpuPresetsJson.load()).fromMap(RequestFiles.readMap(request));
        Estimate estimate = new Workbench().estimate(cfg);
        Map<String, Long> sizes = new LinkedHashMap<>();
        StringBuilder lines = new StringBuilder();
        for (PhaseEstimate p : estimate.phases()) {
            sizes.put(p.phase().wire(), p.liveTensors());
            lines.append(p.phase().wire()).append(' ').append(p.liveTensors()).append('\n');
        }
        Path sizesFile = tmp.resolve("sizes.txt");
        Files.writeString(sizesFile, lines);
        String rank = "DEMO_SIZES=" + sizesFile + " DEMO_SKEW=" + SKEW + " WORLD_SIZE=2 python3 " + SCRIPT;
        Path out = tmp.resolve("profiles");
        Run measured = run("measure", "--cpu", "--request", request.toString(), "--out", out.toString(), "--",
                "sh", "-c", "RANK=0 " + rank + " & RANK=1 " + rank + " & wait");
        assertEquals(0, measured.exit(), measured.err() + measured.out());
        Path json;
        try (var files = Files.list(out)) {
            json = files.filter(f -> f.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        Profile profile = ProfileFiles.read(json);
        assertEquals(2, profile.ranks().size(), "one reading per rank");
        for (RankReading r : profile.ranks()) {
            assertTrue(r.markedBaseline() != null, "rank " + r.rank() + " marked its baseline");
            assertEquals(sizes.keySet().stream().toList(), r.phases().stream().map(PhaseReading::phase).toList(),
                    "rank " + r.rank() + "'s own phases");
            double factor = 1 + SKEW * r.rank();
            for (PhaseReading ph : r.phases()) {
                Measured m = MeasuredLevels.of(profile, r, ph, Level.ALLOCATED);
                double allocated = sizes.get(ph.phase()) * factor;
                double err = (m.bytes() - allocated) / allocated;
                assertTrue(Math.abs(err) <= 0.05, String.format("rank %d %s: measured %d vs allocated %.0f (%+.2f %%)",
                        r.rank(), ph.phase(), m.bytes(), allocated, 100 * err));
            }
        }
        // the child got the request gpumem planned, in the run's folder
        assertTrue(Files.readString(logDir(out).resolve("stdout.txt")).contains("request " + config),
                "GPUMEM_REQUEST reached the ranks");

        Path junit = tmp.resolve("verdict.xml");
        Run cmp = run("compare", "--markdown", "--max-error", "5", "--junit", junit.toString(), json.toString());
        assertEquals(1, cmp.exit(), cmp.err() + cmp.out());
        String first = cmp.out().lines().findFirst().orElseThrow();
        assertTrue(first.startsWith("**FAIL** gpumem verdict: FAIL"), first);
        assertTrue(first.contains("rank 1/"), "the failing rank is named: " + first);
        assertTrue(cmp.out().lines().anyMatch(l -> l.contains("| rank 0/forward | allocated |") && l.endsWith("| ok |")),
                cmp.out());
        assertTrue(cmp.out().lines().anyMatch(l -> l.contains("| rank 1/forward | allocated |")
                && l.endsWith("| **FAIL** |")), cmp.out());
        assertTrue(cmp.out().contains("2 ranks; worst: rank 1/"), "the worst rank and the spread: " + cmp.out());
        String xml = Files.readString(junit);
        int phasesPlusRun = sizes.size() + 1;
        assertEquals(2 * phasesPlusRun, count(xml, "<testcase "), "rank × phase × level (CPU: allocated only)\n" + xml);
        assertEquals(phasesPlusRun, count(xml, "<failure "), "rank 1's every phase and its run-wide peak\n" + xml);
        assertTrue(xml.contains("name=\"rank 1/forward/allocated\""), xml);
        assertFalse(xml.contains("name=\"rank 0/forward/allocated\">\n      <failure"), xml);

        Run loose = run("compare", "--max-error", "40", json.toString());
        assertEquals(0, loose.exit(), loose.err());
        assertTrue(loose.out().contains("gpumem verdict: PASS"), loose.out());
    }

    private static Path logDir(Path out) throws IOException {
        try (var dirs = Files.list(out)) {
            return dirs.filter(d -> Files.isDirectory(d) && d.getFileName().toString().endsWith("-output"))
                    .findFirst().orElseThrow();
        }
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private static boolean pythonWorks() {
        try {
            return new ProcessBuilder("python3", "-c", "pass").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
