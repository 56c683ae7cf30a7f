package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.io.ProfileFiles;
import dev.gpumem.io.SmallTmpfs;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gpumem measure when --out cannot take the profile: found before the workload, or saved elsewhere after it. */
class MeasureOutFolderTest {
    @TempDir
    Path tmp;

    /** @return a command that leaves a file behind when it runs, and marks a phase */
    private List<String> workload(Path ranFlag) {
        return List.of("sh", "-c", "touch '" + ranFlag + "'; echo phase=load >> \"$GPUMEM_MARKERS\"");
    }

    private CliRun measure(Path out, Path ranFlag) {
        List<String> args = new java.util.ArrayList<>(List.of("measure", "--cpu", "--sample-hz", "200", "--out",
                out.toString(), "--"));
        args.addAll(workload(ranFlag));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void anOutThatIsAFileIsBadInputBeforeTheWorkloadRuns() throws Exception {
        Path file = Files.writeString(tmp.resolve("profiles"), "not a folder");
        Path ran = tmp.resolve("ran");
        CliRun r = measure(file, ran);
        assertEquals(2, r.code(), r.err());
        assertEquals("gpumem: error: out: " + file + " is not a directory\n", r.err());
        assertFalse(Files.exists(ran), "the workload never started");
        assertEquals("not a folder", Files.readString(file));
    }

    @Test
    void aReadOnlyOutIsExit74BeforeTheWorkloadRuns() throws Exception {
        Path ran = tmp.resolve("ran");
        Path out = tmp.resolve("ro");
        CliRun r;
        if (SmallTmpfs.root()) {
            try (SmallTmpfs ro = SmallTmpfs.mount(out, "ro,size=64k")) {
                r = measure(ro.dir(), ran);
            }
        } else {
            Files.createDirectory(out);
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("r-xr-xr-x"));
            r = measure(out, ran);
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        assertEquals(74, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("gpumem: error: out: cannot write to " + out + ": "), r.err());
        assertFalse(Files.exists(ran), "the workload never started");
        assertEquals("", r.out());
    }

    @Test
    void aDiskThatFillsDuringTheRunPrintsTheTableAndSavesTheProfileInTheTempDir() throws Exception {
        Path ran = tmp.resolve("ran");
        try (SmallTmpfs disk = SmallTmpfs.mount(tmp.resolve("disk"), "size=64k")) {
            // full but for one page, which the child's markers take; a folder and empty files (the write check,
            // the run folder, the child's stdout and stderr) still fit
            disk.fillLeaving(1);
            CliRun r = measure(disk.dir(), ran);
            Path saved = r.out().lines().filter(l -> l.startsWith("profile: ")).findFirst()
                    .map(l -> Path.of(l.substring("profile: ".length()))).orElse(null);
            try {
                assertTrue(Files.exists(ran), "the workload ran");
                assertEquals(74, r.code(), r.out() + r.err());
                assertTrue(r.out().startsWith("CPU twin: resident memory on"), "the table is printed: " + r.out());
                assertTrue(r.out().lines().anyMatch(l -> l.startsWith("load ")), r.out());
                assertTrue(r.err().contains("gpumem: error: cannot write the profile to " + disk.dir() + ": "),
                        r.err());
                assertTrue(r.err().contains("No space left on device"), r.err());
                assertTrue(saved != null, r.out());
                assertTrue(saved.startsWith(ProfileFiles.fallbackDir()), saved.toString());
                assertTrue(r.err().contains("gpumem: the profile was written to " + saved + " instead"), r.err());
                Profile back = ProfileFiles.read(saved);
                assertEquals(List.of("load"), back.phases().stream().map(PhaseReading::phase).toList());
                try (var files = Files.list(disk.dir())) {
                    List<String> left = files.map(f -> f.getFileName().toString()).sorted()
                            .collect(Collectors.toList());
                    assertEquals(2, left.size(), "the filler and the run folder only: " + left);
                    assertTrue(left.contains("filler") && left.stream().anyMatch(n -> n.endsWith("-output")),
                            left.toString());
                }
            } finally {
                if (saved != null) {
                    Files.deleteIfExists(saved.resolveSibling(saved.getFileName().toString()
                            .replace(".json", ".samples.csv")));
                    Files.deleteIfExists(saved);
                }
            }
        }
    }
}
