package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.ProfileFiles;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.Provenance;
import dev.gpumem.measure.RankReading;
import dev.gpumem.measure.Reading;
import dev.gpumem.measure.RunPeak;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `compare job.json`: a merged multi-node job is compared rank by rank on every node, with the job-wide worst rank
 * and each rank's non-torch memory. The measured numbers are set from the estimate itself (rank 3 holds 1.25x the
 * estimated load and peak, the others exactly them), so the errors expected here are hand arithmetic on what compare must
 * subtract, not the estimator's values.
 */
class CompareJobTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final RunConfig REQUEST = RunConfig.training("gpt2", RunConfig.Precision.AMP_BF16,
            RunConfig.Optimizer.ADAMW, 1, 128);
    private static long loadAllocated;
    private static long loadReserved;
    private static long loadDevice;
    private static JsonNode peak;

    @TempDir
    Path tmp;

    @BeforeAll
    static void estimateTheLoadPhase() throws Exception {
        CliRun r = CliRun.of("estimate", "--model", "gpt2", "--precision", "amp-bf16", "--optimizer", "adamw",
                "--batch", "1", "--seq", "128", "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode estimate = new ObjectMapper().readTree(r.out());
        peak = estimate.path("peak");
        JsonNode load = estimate.path("phases").get(0);
        assertEquals("load", load.path("name").asText());
        loadAllocated = load.path("allocated_bytes").asLong();
        loadReserved = load.path("reserved_bytes").asLong();
        loadDevice = load.path("device_bytes").asLong();
    }

    /** A node's profile: ranks on GPUs 0 and 1, each measuring the load phase at {@code scale} x the estimate. */
    private static Profile node(String host, String startedAt, int[] ranks, double[] scale) {
        DeviceInfo dev = new DeviceInfo(DeviceInfo.Kind.GPU, "NVIDIA H100 80GB HBM3", "GPU-" + host, 80 * GIB,
                "580.65.06", "13.0", null, "13.580.65.06");
        Provenance prov = new Provenance("0.1.0", "abc", host, startedAt, "external", dev, "17");
        Reading base = new Reading(0, GIB, null, null, 0L, null, null);
        List<RankReading> rs = new ArrayList<>();
        for (int i = 0; i < ranks.length; i++) {
            long allocated = Math.round(loadAllocated * scale[i]);
            long reserved = Math.round(loadReserved * scale[i]);
            // the process holds torch's reserve plus 600 MiB outside it (context, NCCL)
            long process = reserved + 600 * MIB;
            Reading end = new Reading(10, GIB + process, null, null, process, allocated, reserved);
            PhaseReading load = new PhaseReading("load", base, end, GIB + process, process,
                    PhaseReading.PeakKind.POLLED_LOWER_BOUND, allocated, reserved, 5);
            // the run-wide peak (later phases, not marked here) at the same scale of the estimate's peak
            long peakProcess = Math.round(peak.path("device_bytes").asLong() * scale[i]);
            rs.add(new RankReading(ranks[i], 1000 + ranks[i], base, null, List.of(load),
                    new RunPeak(GIB + peakProcess, peakProcess, Math.round(peak.path("allocated_bytes").asLong()
                            * scale[i]), Math.round(peak.path("reserved_bytes").asLong() * scale[i])), 5, i));
        }
        return new Profile(Profile.SCHEMA_VERSION, prov, REQUEST, List.of("torchrun"), base, null, List.of(),
                List.of(), 100, List.of(), rs, List.of());
    }

    private Path job() throws Exception {
        ProfileFiles.write(node("node-a", "2026-12-02T03:00:00.000Z", new int[] {0, 1}, new double[] {1, 1}),
                tmp.resolve("node-a"));
        ProfileFiles.write(node("node-b", "2026-12-02T03:00:00.500Z", new int[] {2, 3}, new double[] {1, 1.25}),
                tmp.resolve("node-b"));
        CliRun merged = CliRun.of("merge", tmp.toString());
        assertEquals(0, merged.code(), merged.err());
        return tmp.resolve("job.json");
    }

    @Test
    void aJobIsComparedOnEveryRankOfEveryNodeWithTheJobWideWorstRank() throws Exception {
        CliRun r = CliRun.of("compare", job().toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("job.json@node-a"), r.out());
        assertTrue(r.out().contains("job.json@node-b"), r.out());
        // rank 3 measured 1.25x the estimate: (1 − 1.25) / 1.25 = −20.00 %, the worst of the job's 4 ranks
        assertTrue(r.out().contains("job: job.json (2 node(s)): 4 ranks; worst: rank 3/"), r.out());
        assertTrue(r.out().contains("-20.00%"), r.out());
    }

    @Test
    void eachRanksNonTorchMemoryIsSetAgainstTheEstimatesDeviceMinusReserved() throws Exception {
        CliRun r = CliRun.of("compare", "--json", job().toString());
        assertEquals(0, r.code(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        JsonNode nonTorch = root.path("comparisons").get(0).path("non_torch");
        assertEquals(2, nonTorch.size());
        JsonNode rank0 = nonTorch.get(0);
        assertEquals(0, rank0.path("rank").asInt());
        assertEquals("load", rank0.path("phase").asText());
        assertEquals(600 * MIB, rank0.path("measured_bytes").asLong());
        assertEquals(loadDevice - loadReserved, rank0.path("estimate_bytes").asLong());
        JsonNode job = root.path("jobs").get(0);
        assertEquals(4, job.path("ranks").asInt());
        assertEquals(3, job.path("worst").path("rank").asInt());
        assertEquals(-0.2, job.path("worst").path("error_rel").asDouble(), 1e-6);
        // allocated run-wide peaks: rank 3 holds 0.25x the estimated peak more than the lowest rank
        long peakAllocated = peak.path("allocated_bytes").asLong();
        assertEquals(Math.round(peakAllocated * 1.25) - peakAllocated,
                job.path("run_peak_spread_bytes").path("allocated").path("bytes").asLong());
    }

    @Test
    void aJobWhoseNodeProfileIsGoneIsOneLineAndExit2() throws Exception {
        Path job = job();
        try (var s = Files.walk(tmp.resolve("node-b"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.delete(p);
            }
        }
        CliRun r = CliRun.of("compare", job.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("names the node profile"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }
}
