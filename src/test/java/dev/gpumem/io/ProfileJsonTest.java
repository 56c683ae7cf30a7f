package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.Provenance;
import dev.gpumem.measure.Reading;
import dev.gpumem.measure.RunEvent;
import dev.gpumem.measure.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileJsonTest {

    static Profile profile(DeviceInfo.Kind kind) {
        DeviceInfo dev = new DeviceInfo(kind, "NVIDIA H100 80GB HBM3", "GPU-1234", 85_520_809_984L, "580.65.06",
                "13.0", "13.0", "13.580.65.06");
        Provenance prov = new Provenance("0.1.0", "abc123", "host1", "2026-11-28T01:02:03.456Z", "replay", dev,
                "17.0.15");
        Reading base = new Reading(0, 600L << 20, 1200L << 20, 500L << 20, 0L, null, null);
        Reading start = new Reading(10, 700L << 20, null, null, 100L << 20, 0L, 0L);
        Reading end = new Reading(20, 900L << 20, null, null, 300L << 20, 200L << 20, 202L << 20);
        PhaseReading load = new PhaseReading("load", start, end, 950L << 20, 320L << 20,
                PhaseReading.PeakKind.ACCOUNTING, 210L << 20, 212L << 20, 2);
        RunConfig req = RunConfig.training("llama-3.1-8b", RunConfig.Precision.AMP_BF16, RunConfig.Optimizer.ADAMW,
                4, 2048);
        return new Profile(Profile.SCHEMA_VERSION, prov, req, null, base, List.of(load),
                List.of(new Sample(12, "load", 800L << 20, 200L << 20), new Sample(15, "load", 950L << 20, -1)),
                1234.5, List.of(new RunEvent(RunEvent.Kind.SAMPLE_RATE, null, "sampled", null),
                        new RunEvent(RunEvent.Kind.OUT_OF_MEMORY, "load", "oom", 42L)));
    }

    @Test
    void aProfileSurvivesAWriteAndReadWithItsSamples(@TempDir Path dir) throws Exception {
        Profile p = profile(DeviceInfo.Kind.GPU);
        Path json = ProfileFiles.write(p, dir.resolve("results").resolve(p.provenance().device().slug()));
        assertEquals("20261128T010203.456Z-replay-llama-3.1-8b.json", json.getFileName().toString());
        assertTrue(Files.exists(json.resolveSibling("20261128T010203.456Z-replay-llama-3.1-8b.samples.csv")));
        Profile back = ProfileFiles.read(json);
        assertEquals(p, back);
    }

    @Test
    void absentFiguresAreWrittenAsNullNotZero() {
        String json = ProfileJson.toJson(profile(DeviceInfo.Kind.GPU), "x.csv");
        assertTrue(json.contains("\"framework_allocated\" : null"), json);
        assertTrue(json.contains("\"device.load.peak\" : " + (950L << 20)));
        assertTrue(json.contains("\"peak_kind\" : \"accounting\""));
    }

    @Test
    void aStubProfileIsRefusedUnderResultsAndMarkedTestDouble(@TempDir Path dir) throws Exception {
        Profile p = profile(DeviceInfo.Kind.STUB);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProfileFiles.write(p, dir.resolve("results").resolve("stub")));
        assertTrue(e.getMessage().contains("test double"));
        Path json = ProfileFiles.write(p, dir.resolve("elsewhere"));
        assertTrue(Files.readString(json).contains("\"test_double\" : true"));
    }

    @Test
    void anUnknownSchemaVersionIsRefusedNamingTheField() {
        String json = ProfileJson.toJson(profile(DeviceInfo.Kind.GPU), null).replace("\"schema_version\" : 1",
                "\"schema_version\" : 99");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ProfileJson.fromJson(json, List.of()));
        assertTrue(e.getMessage().startsWith("profile: schema_version: 99"), e.getMessage());
    }

    @Test
    void aMalformedSamplesLineIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SamplesCsv.fromCsv(SamplesCsv.HEADER + "\n1,load,2,3\n1,load,x\n"));
        assertTrue(e.getMessage().contains("line 3"));
    }

    @Test
    void underResultsLooksAtEveryFolderOnThePath() {
        assertTrue(ProfileFiles.underResults(Path.of("/a/results/b")));
        assertFalse(ProfileFiles.underResults(Path.of("/a/my-results/b")));
    }

    @Test
    void aBaselineMarkAndPerRankReadingsSurviveAWriteAndRead(@TempDir Path dir) throws Exception {
        Profile p = profile(DeviceInfo.Kind.GPU);
        Reading marked = new Reading(5, 650L << 20, null, null, 40L << 20, null, null);
        dev.gpumem.measure.RankReading rank = new dev.gpumem.measure.RankReading(1, 4242, p.baseline(), marked,
                p.phases(), dev.gpumem.measure.RunPeak.of(p.baseline(), p.phases(), p.samples()), 7);
        Profile withRanks = new Profile(p.schemaVersion(), p.provenance(), p.request(), null, p.baseline(), marked,
                p.phases(), p.samples(), p.sampleRateHz(), p.events(), List.of(rank));
        Path json = ProfileFiles.write(withRanks, dir.resolve("results").resolve(p.provenance().device().slug()));
        Profile back = ProfileFiles.read(json);
        assertEquals(marked, back.markedBaseline());
        assertEquals(List.of(rank), back.ranks());
        // the run-wide peak: the sample at 950 MiB, the accounting peak of 320 MiB per process
        assertEquals(950L << 20, back.runPeak().device());
        assertEquals(320L << 20, back.runPeak().process());
        assertTrue(Files.readString(json).contains("\"device.whole_run.peak\" : " + (950L << 20)));
    }

    @Test
    void aProfileWrittenBeforeRanksAndBaselineMarksStillReads() {
        String json = ProfileJson.toJson(profile(DeviceInfo.Kind.GPU), null)
                .replaceAll("(?s)\"marked_baseline\" : null,", "").replaceAll("(?s)\"ranks\" : \\[ \\],", "");
        assertFalse(json.contains("\"ranks\""), json);
        Profile back = ProfileJson.fromJson(json, List.of());
        assertNull(back.markedBaseline());
        assertTrue(back.ranks().isEmpty());
    }

    @Test
    void perDeviceReadingsAndEachRanksDeviceSurviveAWriteAndRead(@TempDir Path dir) throws Exception {
        Profile p = profile(DeviceInfo.Kind.GPU);
        dev.gpumem.measure.RankReading rank = new dev.gpumem.measure.RankReading(1, 4242, p.baseline(), null,
                p.phases(), dev.gpumem.measure.RunPeak.of(p.baseline(), p.phases(), p.samples()), 7, 1);
        List<dev.gpumem.measure.DeviceReading> devices = List.of(
                new dev.gpumem.measure.DeviceReading(0, "GPU-a", "NVIDIA H100 80GB HBM3", 80L << 30, 5L << 30,
                        512L << 20, 3L << 30),
                new dev.gpumem.measure.DeviceReading(1, null, "NVIDIA H100 80GB HBM3", 80L << 30, 6L << 30, null,
                        null));
        Profile multi = new Profile(p.schemaVersion(), p.provenance(), p.request(), null, p.baseline(), null,
                p.phases(), p.samples(), p.sampleRateHz(), p.events(), List.of(rank), devices);
        Path json = ProfileFiles.write(multi, dir.resolve("results").resolve(p.provenance().device().slug()));
        Profile back = ProfileFiles.read(json);
        assertEquals(devices, back.devices());
        assertEquals(Integer.valueOf(1), back.ranks().get(0).device());
    }

    @Test
    void aProfileWrittenBeforePerDeviceReadingsReadsAsNoDevicesAndRanksWithoutADevice() {
        Profile p = profile(DeviceInfo.Kind.GPU);
        dev.gpumem.measure.RankReading rank = new dev.gpumem.measure.RankReading(0, 4242, p.baseline(), null,
                p.phases(), dev.gpumem.measure.RunPeak.of(p.baseline(), p.phases(), p.samples()), 7);
        Profile withRank = new Profile(p.schemaVersion(), p.provenance(), p.request(), null, p.baseline(), null,
                p.phases(), p.samples(), p.sampleRateHz(), p.events(), List.of(rank));
        String json = ProfileJson.toJson(withRank, null).replaceAll("(?s)\"devices\" : \\[ \\],", "")
                .replaceAll("\"device\" : null,", "").replaceAll("(?s),\\s*\"non_torch\" : \\[.*?\\]", "");
        assertFalse(json.contains("\"devices\""), json);
        assertFalse(json.contains("non_torch"), json);
        Profile back = ProfileJson.fromJson(json, List.of());
        assertTrue(back.devices().isEmpty());
        assertNull(back.ranks().get(0).device());
    }
}
