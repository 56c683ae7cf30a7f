package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Profiles never overwrite each other and never leave half a pair, whatever the folder does. */
class ProfileFilesTest {

    /** The same start millisecond and runner and model as every other, with its own phase name and samples. */
    private static Profile profileWithPhase(String phase, int samples) {
        Profile p = ProfileJsonTest.profile(DeviceInfo.Kind.GPU);
        PhaseReading r = p.phases().get(0);
        PhaseReading renamed = new PhaseReading(phase, r.start(), r.end(), r.peakDevice(), r.peakProcess(),
                r.peakKind(), r.peakAllocated(), r.peakReserved(), r.samples());
        List<Sample> s = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            s.add(new Sample(i, phase, 1_000_000L + i, 2_000_000L + i));
        }
        return new Profile(p.schemaVersion(), p.provenance(), p.request(), p.command(), p.baseline(),
                List.of(renamed), s, p.sampleRateHz(), p.events());
    }

    private static Set<String> names(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void profilesStartedInTheSameMillisecondGetNamesOfTheirOwn(@TempDir Path dir) throws Exception {
        Profile a = profileWithPhase("alpha", 3);
        Profile b = profileWithPhase("beta", 5);
        Path first = ProfileFiles.write(a, dir);
        Path second = ProfileFiles.write(b, dir);
        assertEquals("20261128T010203.456Z-replay-llama-3.1-8b.json", first.getFileName().toString());
        assertEquals("20261128T010203.456Z-replay-llama-3.1-8b-2.json", second.getFileName().toString());
        assertEquals(Set.of("20261128T010203.456Z-replay-llama-3.1-8b.json",
                "20261128T010203.456Z-replay-llama-3.1-8b.samples.csv",
                "20261128T010203.456Z-replay-llama-3.1-8b-2.json",
                "20261128T010203.456Z-replay-llama-3.1-8b-2.samples.csv"), names(dir));
        assertEquals(a, ProfileFiles.read(first));
        assertEquals(b, ProfileFiles.read(second), "the second profile reads back with its own samples");
    }

    @Test
    void concurrentWritersIntoOneFolderGetDistinctCompleteProfiles(@TempDir Path dir) throws Exception {
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Path>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < writers; i++) {
                Profile p = profileWithPhase("phase" + i, 50 + i);
                futures.add(pool.submit(() -> {
                    go.await();
                    return ProfileFiles.write(p, dir);
                }));
            }
            go.countDown();
            Set<Path> written = new TreeSet<>();
            for (int i = 0; i < writers; i++) {
                Path json = futures.get(i).get();
                written.add(json);
                Profile back = ProfileFiles.read(json);
                assertEquals("phase" + i, back.phases().get(0).phase(), json + " holds another run's phases");
                assertEquals(50 + i, back.samples().size(), json + " holds another run's samples");
            }
            assertEquals(writers, written.size(), "one file per writer: " + written);
            assertEquals(2 * writers, names(dir).size(), "a JSON and a CSV each, no temp file: " + names(dir));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aFullDiskLeavesNeitherHalfOfThePair(@TempDir Path dir) throws Exception {
        Profile p = profileWithPhase("load", 2000);
        int csvPages = (SamplesCsv.toCsv(p.samples()).length() + SmallTmpfs.PAGE - 1) / SmallTmpfs.PAGE;
        try (SmallTmpfs fs = SmallTmpfs.mount(dir.resolve("disk"), "size=256k")) {
            // room for the samples CSV, none for the JSON: the CSV written first must go again
            Path filler = fs.fillLeaving(csvPages);
            IOException e = assertThrows(IOException.class, () -> ProfileFiles.write(p, fs.dir()));
            assertTrue(String.valueOf(e.getMessage()).contains("No space left on device"), e.toString());
            assertEquals(Set.of("filler"), names(fs.dir()), "no orphan CSV, no temp file");
            // no room at all: the CSV itself fails
            fs.fillLeaving(0);
            assertThrows(IOException.class, () -> ProfileFiles.write(p, fs.dir()));
            assertEquals(Set.of("filler"), names(fs.dir()));
            // room again: the profile is written whole
            Files.delete(filler);
            assertEquals(p, ProfileFiles.read(ProfileFiles.write(p, fs.dir())));
        }
    }

    @Test
    void aFolderThatCannotTakeAProfileIsFoundBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThrows(NotDirectoryException.class, () -> ProfileFiles.requireWritableDir(file));
        assertThrows(NotDirectoryException.class, () -> ProfileFiles.requireWritableDir(file.resolve("sub")));
        Path fresh = dir.resolve("new").resolve("folder");
        ProfileFiles.requireWritableDir(fresh);
        assertTrue(Files.isDirectory(fresh), "a missing folder is created");
        assertEquals(Set.of(), names(fresh), "the probe file is gone again");
        if (SmallTmpfs.root()) {
            // root writes through permission bits: only a read-only mount stops it
            try (SmallTmpfs ro = SmallTmpfs.mount(dir.resolve("ro"), "ro,size=64k")) {
                IOException e = assertThrows(IOException.class, () -> ProfileFiles.requireWritableDir(ro.dir()));
                assertFalse(e instanceof NotDirectoryException);
            }
        } else {
            Path ro = Files.createDirectory(dir.resolve("ro"));
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
            IOException e = assertThrows(IOException.class, () -> ProfileFiles.requireWritableDir(ro));
            assertFalse(e instanceof NotDirectoryException);
            Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void runsInTheSameMillisecondGetRunFoldersOfTheirOwn(@TempDir Path dir) throws Exception {
        Instant t = Instant.parse("2026-12-02T01:02:03.004Z");
        Path a = ProfileFiles.createRunFolder(dir, t, "external");
        Path b = ProfileFiles.createRunFolder(dir, t, "external");
        assertNotEquals(a, b);
        assertEquals("20261202T010203.004Z-external-output", a.getFileName().toString());
        assertEquals("20261202T010203.004Z-external-2-output", b.getFileName().toString());
        assertTrue(Files.isDirectory(a) && Files.isDirectory(b));
    }
}
