package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.io.GpuCheckArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one GPU shot (issue 14): scripts/gpu-check.sh, run for real in its CPU mode, leaves only what a device machine
 * returns (at most 8 files, 16 MiB each, 64 MiB in all, at most two folders down, names of letters, digits, '.', '_'
 * and '-'), and {@code gpumem file-results} takes that back, unpacks it and refuses its CPU profiles for results/.
 */
class GpuCheckShotTest {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path tmp;

    @Test
    void theCpuModeRunLeavesWhatADeviceReturnsAndFilingRefusesItsCpuProfiles() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path out = tmp.resolve("out");
        Path scratchRoot = Files.createDirectories(tmp.resolve("tmp"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String launcher = String.join(" ", java, "-cp", System.getProperty("java.class.path"),
                "-Dgpumem.home=" + root, "-Dorg.bytedeco.javacpp.cachedir=" + root.resolve("target/javacpp-cache"),
                "dev.gpumem.cli.Main");
        ProcessBuilder pb = new ProcessBuilder("bash", root.resolve("scripts/gpu-check.sh").toString(), out.toString())
                .redirectErrorStream(true).redirectOutput(tmp.resolve("gpu-check.stdout").toFile());
        Map<String, String> env = pb.environment();
        env.put("GPU_CHECK_ALLOW_CPU", "1");
        env.put("GPUMEM_CMD", launcher);
        // small parts, so that the split and the joining are exercised; the script keeps to 4 parts all the same
        env.put("GPU_CHECK_PART_BYTES", "16384");
        env.put("TMPDIR", scratchRoot.toString());
        Process p = pb.start();
        assertTrue(p.waitFor(400, TimeUnit.SECONDS), "gpu-check.sh did not finish");
        String log = Files.readString(tmp.resolve("gpu-check.stdout"));
        // 1 = some step failed: the PyTorch and DJL steps cannot run where torch is absent
        assertTrue(p.exitValue() == 0 || p.exitValue() == 1, "exit " + p.exitValue() + "\n" + log);
        assertTrue(log.lines().findFirst().orElse("").contains("time budget"), "the budget is said first:\n" + log);

        List<Path> files;
        try (Stream<Path> all = Files.walk(out)) {
            files = all.filter(Files::isRegularFile).toList();
        }
        assertTrue(files.size() <= 8, files.toString());
        long total = 0;
        for (Path f : files) {
            long size = Files.size(f);
            total += size;
            assertTrue(size <= 16 * MIB, f + " is " + size + " bytes");
            assertTrue(out.relativize(f).getNameCount() <= 3, f + " lies more than two folders down");
            for (Path part : out.relativize(f)) {
                assertTrue(part.toString().matches("[A-Za-z0-9._-]+"), "name not allowed: " + part);
            }
        }
        assertTrue(total <= 64 * MIB, "total " + total);
        assertTrue(files.stream().anyMatch(f -> f.getFileName().toString().equals("gpu-check.log")), files.toString());
        long parts = files.stream().filter(f -> f.getFileName().toString().matches("gpu-check-.*\\.tar\\.gz\\.part-\\d+"))
                .count();
        assertTrue(parts >= 2 && parts <= 4, "parts: " + files);
        try (Stream<Path> left = Files.list(scratchRoot)) {
            assertEquals(List.of(), left.toList(), "scratch and the run folder are removed");
        }

        // what the archive holds: every profile the script wrote, each with its samples
        List<GpuCheckArchive> archives = GpuCheckArchive.find(out);
        assertEquals(1, archives.size());
        Path unpacked = archives.get(0).unpack(tmp.resolve("unpacked"));
        long profiles;
        try (Stream<Path> s = Files.list(unpacked.resolve("profiles"))) {
            profiles = s.filter(f -> f.toString().endsWith(".json")).count();
        }
        assertTrue(log.contains(profiles + " profile(s) written"), profiles + " profiles; log:\n" + log);
        assertTrue(profiles >= 2, log);
        assertTrue(Files.isRegularFile(unpacked.resolve("compare.txt")), "compare tables are packed");
        assertTrue(Files.isRegularFile(unpacked.resolve("requests/gpt2-fp32-b1-s128.json")), "requests are packed");

        Path results = tmp.resolve("results");
        CliRun filed = CliRun.of("file-results", out.toString(), "--results", results.toString());
        assertEquals(2, filed.code(), filed.out() + filed.err());
        long refusedCpu = filed.out().lines().filter(l -> l.matches("  refused .*\\.json: a CPU-twin profile.*")).count();
        assertEquals(profiles, refusedCpu, filed.out());
        assertTrue(filed.out().contains("SHA-256 checked"), filed.out());
        assertTrue(filed.out().contains("filed 0 profile(s)"), filed.out());
        assertFalse(Files.exists(results), "nothing is written under results/ for CPU profiles");
    }

    @Test
    void aFolderWithoutAnArchiveIsOneLineAndExitTwo() throws IOException {
        Files.createDirectories(tmp.resolve("empty"));
        CliRun r = CliRun.of("file-results", tmp.resolve("empty").toString());
        assertEquals(2, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("no gpu-check-<stamp>.tar.gz"), r.err());
    }
}
