package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpuCheckArchiveTest {
    private static final String NAME = "gpu-check-20261202T031500Z";

    @TempDir
    Path tmp;

    private static Map<String, byte[]> entries() {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put(NAME + "/gpu-check.log", "[0s] gpu-check: done\n".getBytes(StandardCharsets.UTF_8));
        byte[] noise = new byte[300_000];
        new Random(7).nextBytes(noise); // incompressible, so that the archive really splits
        e.put(NAME + "/profiles/p.samples.csv", noise);
        return e;
    }

    @Test
    void partsAreJoinedInOrderAndTheChecksumIsChecked() throws Exception {
        Path back = tmp.resolve("back");
        GpuCheckArchives.write(back, NAME, GpuCheckArchives.tarGz(entries()), 3);
        List<GpuCheckArchive> found = GpuCheckArchive.find(back);
        assertEquals(1, found.size());
        assertEquals(3, found.get(0).parts().size());
        Path top = found.get(0).unpack(tmp.resolve("unpacked"));
        assertEquals(tmp.resolve("unpacked").resolve(NAME), top);
        assertArrayEquals(entries().get(NAME + "/profiles/p.samples.csv"),
                Files.readAllBytes(top.resolve("profiles/p.samples.csv")));
    }

    @Test
    void aMissingPartIsNamed() throws Exception {
        Path back = tmp.resolve("back");
        List<Path> parts = GpuCheckArchives.write(back, NAME, GpuCheckArchives.tarGz(entries()), 3);
        Files.delete(parts.get(1));
        GpuCheckArchive.Problem p = assertThrows(GpuCheckArchive.Problem.class, () -> GpuCheckArchive.find(back));
        assertTrue(p.getMessage().contains(NAME + ".tar.gz.part-01 is missing"), p.getMessage());
    }

    @Test
    void aCorruptPartFailsTheChecksumOrTheGzipAndWritesNothingOutsideItsFolder() throws Exception {
        Path back = tmp.resolve("back");
        List<Path> parts = GpuCheckArchives.write(back, NAME, GpuCheckArchives.tarGz(entries()), 2);
        byte[] last = Files.readAllBytes(parts.get(1));
        last[last.length / 2] ^= 0x55;
        Files.write(parts.get(1), last);
        GpuCheckArchive a = GpuCheckArchive.find(back).get(0);
        GpuCheckArchive.Problem p = assertThrows(GpuCheckArchive.Problem.class, () -> a.unpack(tmp.resolve("u")));
        assertTrue(p.getMessage().contains("SHA-256") || p.getMessage().contains("not a complete"), p.getMessage());
    }

    @Test
    void aTruncatedArchiveIsAProblemNotACrash() throws Exception {
        Path back = tmp.resolve("back");
        byte[] archive = GpuCheckArchives.tarGz(entries());
        GpuCheckArchives.write(back, NAME, archive, 1);
        Files.write(back.resolve(NAME + ".tar.gz"), java.util.Arrays.copyOf(archive, archive.length / 3));
        Files.delete(back.resolve(NAME + ".tar.gz.sha256"));
        GpuCheckArchive a = GpuCheckArchive.find(back).get(0);
        assertNull(a.sha256());
        GpuCheckArchive.Problem p = assertThrows(GpuCheckArchive.Problem.class, () -> a.unpack(tmp.resolve("u")));
        assertTrue(p.getMessage().contains("not a complete gzip'd tar archive"), p.getMessage());
    }

    @Test
    void anEntryOutsideTheTopFolderIsRefused() throws Exception {
        Map<String, byte[]> e = new LinkedHashMap<>(entries());
        e.put(NAME + "/../escaped.txt", new byte[] {1});
        Path back = tmp.resolve("back");
        GpuCheckArchives.write(back, NAME, GpuCheckArchives.tarGz(e), 1);
        GpuCheckArchive a = GpuCheckArchive.find(back).get(0);
        GpuCheckArchive.Problem p = assertThrows(GpuCheckArchive.Problem.class, () -> a.unpack(tmp.resolve("u")));
        assertTrue(p.getMessage().contains("lies outside"), p.getMessage());
        assertFalse(Files.exists(tmp.resolve("escaped.txt")));
    }

    @Test
    void aFolderWithoutAnArchiveSaysWhatItLookedFor() throws Exception {
        Files.createDirectories(tmp.resolve("empty"));
        GpuCheckArchive.Problem p = assertThrows(GpuCheckArchive.Problem.class,
                () -> GpuCheckArchive.find(tmp.resolve("empty")));
        assertTrue(p.getMessage().contains("no gpu-check-<stamp>.tar.gz"), p.getMessage());
    }
}
