package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.compare.Fixtures;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.Profile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsFilingTest {
    @TempDir
    Path tmp;

    private static Profile profile(DeviceInfo d) {
        return Fixtures.profile(d, "replay", Fixtures.reading(0, 0, 0L),
                Fixtures.measured("load", 1, 2, 100, 90L, null, null));
    }

    private Path run() throws Exception {
        Path run = tmp.resolve("gpu-check-20261202T031500Z");
        Files.createDirectories(run.resolve("profiles"));
        Files.writeString(run.resolve("gpu-check.log"), "[0s] done\n");
        return run;
    }

    @Test
    void aGpuProfileLandsWithItsSamplesUnderItsSlugAndTheSummariesBesideIt() throws Exception {
        Path run = run();
        Path json = ProfileFiles.write(profile(Fixtures.H100), run.resolve("profiles"));
        Path results = tmp.resolve("results");
        ResultsFiling.Outcome o = ResultsFiling.file(run, results, false);
        assertEquals(1, o.filed().size(), o.toString());
        assertEquals(0, o.refused().size(), o.toString());
        Path dir = results.resolve("nvidia-h100-80gb-hbm3");
        assertArrayEquals(Files.readAllBytes(json), Files.readAllBytes(dir.resolve(json.getFileName())));
        Path csv = ProfileFiles.samplesCsvOf(json);
        assertArrayEquals(Files.readAllBytes(csv), Files.readAllBytes(dir.resolve(csv.getFileName())));
        assertTrue(Files.isRegularFile(dir.resolve(run.getFileName()).resolve("gpu-check.log")));
        // read back from results/ it is the same profile
        assertEquals(profile(Fixtures.H100).phases(), ProfileFiles.read(dir.resolve(json.getFileName())).phases());
    }

    @Test
    void filingTwiceSaysAlreadyFiledAndADifferentFileOfTheSameNameIsNeverReplaced() throws Exception {
        Path run = run();
        Path json = ProfileFiles.write(profile(Fixtures.H100), run.resolve("profiles"));
        Path results = tmp.resolve("results");
        ResultsFiling.file(run, results, false);
        ResultsFiling.Outcome again = ResultsFiling.file(run, results, false);
        assertTrue(again.filed().get(0).alreadyThere());
        Path there = results.resolve("nvidia-h100-80gb-hbm3").resolve(json.getFileName());
        Files.writeString(there, Files.readString(there).replace("\"host\"", "\"host\" "));
        byte[] edited = Files.readAllBytes(there);
        ResultsFiling.Outcome clash = ResultsFiling.file(run, results, false);
        assertEquals(0, clash.filed().size());
        assertTrue(clash.refused().get(0).reasons().get(0).contains("is already there"), clash.toString());
        assertArrayEquals(edited, Files.readAllBytes(there));
    }

    @Test
    void cpuProfilesAndTheirCalibrationAreRefusedAndNothingIsWritten() throws Exception {
        Path run = run();
        ProfileFiles.write(profile(Fixtures.CPU), run.resolve("profiles"));
        Files.writeString(run.resolve("calibration.json"), "{\"schema_version\": 1}");
        Path results = tmp.resolve("results");
        ResultsFiling.Outcome o = ResultsFiling.file(run, results, false);
        assertEquals(0, o.filed().size());
        assertEquals(2, o.refused().size(), o.toString());
        assertNull(o.summaryDir());
        assertFalse(Files.exists(results));
    }

    @Test
    void aDryRunWritesNothing() throws Exception {
        Path run = run();
        ProfileFiles.write(profile(Fixtures.H100), run.resolve("profiles"));
        Path results = tmp.resolve("results");
        ResultsFiling.Outcome o = ResultsFiling.file(run, results, true);
        assertEquals(1, o.filed().size());
        assertFalse(Files.exists(results));
    }

    @Test
    void anUnreadableProfileIsRefusedWithItsReason() throws Exception {
        Path run = run();
        Files.writeString(run.resolve("profiles").resolve("broken.json"), "{\"schema_version\": ");
        ResultsFiling.Outcome o = ResultsFiling.file(run, tmp.resolve("results"), false);
        assertEquals("broken.json", o.refused().get(0).file());
        assertTrue(o.refused().get(0).reasons().get(0).startsWith("not a readable profile"), o.toString());
        try (Stream<Path> s = Files.list(tmp)) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().equals("results")));
        }
    }
}
