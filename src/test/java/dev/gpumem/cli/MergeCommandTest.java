package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.ProfileFiles;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.DeviceReading;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergeCommandTest {
    private static final long GIB = 1L << 30;
    @TempDir
    Path tmp;

    private static final RunConfig REQUEST = RunConfig.training("llama-3.1-8b", RunConfig.Precision.AMP_BF16,
            RunConfig.Optimizer.ADAMW, 4, 2048);

    /** A node's profile: its host, start time and ranks (rank r on GPU r % 2, holding r + 1 GiB). */
    private static Profile node(String host, String startedAt, RunConfig request, int... ranks) {
        DeviceInfo dev = new DeviceInfo(DeviceInfo.Kind.GPU, "NVIDIA H100 80GB HBM3", "GPU-" + host, 80 * GIB,
                "580.65.06", "13.0", null, "13.580.65.06");
        Provenance prov = new Provenance("0.1.0", "abc", host, startedAt, "external", dev, "17");
        Reading base = new Reading(0, GIB, null, null, 0L, null, null);
        List<RankReading> rs = new ArrayList<>();
        for (int r : ranks) {
            rs.add(new RankReading(r, 1000 + r, base, null, List.<PhaseReading>of(),
                    new RunPeak(2 * GIB, (r + 1) * GIB, null, null), 3, r % 2));
        }
        List<DeviceReading> devices = List.of(new DeviceReading(0, "GPU-" + host + "-0", dev.name(), 80 * GIB, GIB,
                null, null), new DeviceReading(1, "GPU-" + host + "-1", dev.name(), 80 * GIB, GIB, null, null));
        return new Profile(Profile.SCHEMA_VERSION, prov, request, List.of("torchrun"), base, null, List.of(),
                List.of(), 100, List.of(), rs, devices);
    }

    @Test
    void twoNodesProfilesBecomeOneJobWithEveryRankAndGpuNamedByItsNodeAndTheClockOffsetSaid() throws Exception {
        ProfileFiles.write(node("node-b", "2026-12-02T03:00:01.250Z", REQUEST, 2, 3), tmp.resolve("node-b"));
        ProfileFiles.write(node("node-a", "2026-12-02T03:00:00.000Z", REQUEST, 0, 1), tmp.resolve("node-a"));
        CliRun r = CliRun.of("merge", tmp.toString());
        assertEquals(0, r.code(), r.err());
        JsonNode job = new ObjectMapper().readTree(Files.readString(tmp.resolve("job.json")));
        assertEquals("node-a", job.path("nodes").get(0).path("host").asText());
        assertEquals(0, job.path("nodes").get(0).path("clock_offset_ms").asLong());
        // node-b started 1.25 s later by its own clock
        assertEquals(1250, job.path("nodes").get(1).path("clock_offset_ms").asLong());
        assertEquals(4, job.path("ranks").size());
        for (int i = 0; i < 4; i++) {
            JsonNode rank = job.path("ranks").get(i);
            assertEquals(i, rank.path("rank").asInt());
            assertEquals(i < 2 ? "node-a" : "node-b", rank.path("host").asText());
            assertEquals(i % 2, rank.path("device").asInt());
            assertEquals((i + 1) * GIB, rank.path("peak").path("process").asLong());
        }
        assertEquals(4, job.path("devices").size());
        assertEquals("GPU-node-b-1", job.path("devices").get(3).path("uuid").asText());
        assertTrue(r.out().contains("2 node(s), 4 rank(s), 4 GPU(s)"), r.out());
    }

    @Test
    void mixedRequestsAreRefusedWithOneLineAndNothingIsWritten() throws Exception {
        ProfileFiles.write(node("node-a", "2026-12-02T03:00:00.000Z", REQUEST, 0), tmp.resolve("node-a"));
        ProfileFiles.write(node("node-b", "2026-12-02T03:00:00.000Z", null, 1), tmp.resolve("node-b"));
        CliRun r = CliRun.of("merge", tmp.toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("mixed requests"), r.err());
        assertFalse(Files.exists(tmp.resolve("job.json")));
    }

    @Test
    void aRankInTwoNodesProfilesIsRefused() throws Exception {
        ProfileFiles.write(node("node-a", "2026-12-02T03:00:00.000Z", REQUEST, 0), tmp.resolve("node-a"));
        ProfileFiles.write(node("node-b", "2026-12-02T03:00:00.000Z", REQUEST, 0), tmp.resolve("node-b"));
        CliRun r = CliRun.of("merge", tmp.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("rank 0 is in both"), r.err());
    }
}
