package dev.gpumem.measure.stub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gpumem.estimate.GpuSpec;
import dev.gpumem.estimate.GpuSpec.GpuArch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NVML and CUDA bindings against the stub driver libraries of native/ (test doubles built by the Maven
 * build into target/native). Each case runs {@link StubDriverMain} in a child JVM, because JavaCPP loads the
 * libraries once per JVM at class initialisation, from LD_LIBRARY_PATH and its own search path: with
 * {@code org.bytedeco.javacpp.platform.linkpath} pointed at the stubs, the stub libcudart.so.13 is loaded instead of
 * the machine's CUDA 13.0 runtime (checked: /proc/self/maps of the child lists target/native/libcudart.so.13).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StubDriverTest {
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    // stub defaults (native/stub_common.h)
    private static final long TOTAL = 80 * GIB;
    private static final long USED = 256 * MIB;
    private static final long RESERVED = 512 * MIB;
    private static final long CONTEXT = 500 * MIB;

    @TempDir
    Path tmp;

    /** the "full" scenario's output, shared by the two tests that read it (one child JVM instead of two) */
    private List<String> fullRun;

    private List<String> full() throws IOException, InterruptedException {
        if (fullRun == null) {
            fullRun = child(stubs(), true, Map.of("GPUMEM_STUB_ACCOUNTING", "1",
                    "GPUMEM_STUB_FOREIGN_BYTES", Long.toString(GIB)), "full");
        }
        return fullRun;
    }

    private static Path stubs() {
        Path dir = Path.of(System.getProperty("gpumem.native.dir", "target/native"));
        assumeTrue(Files.exists(dir.resolve("libnvidia-ml.so.1")), "stub libraries not built (native/build.sh)");
        return dir.toAbsolutePath();
    }

    /** Runs a scenario in a child JVM with {@code libDir} as the only driver folder. */
    private List<String> child(Path libDir, boolean stubRuntime, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                "-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir",
                        tmp.resolve("javacpp").toString()),
                "-Dgpumem.home=" + tmp, "-Dgpumem.commit=test"));
        if (stubRuntime) {
            cmd.add("-Dorg.bytedeco.javacpp.platform.linkpath=" + libDir);
        }
        cmd.add(StubDriverMain.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("GPUMEM_STUB_"));
        pb.environment().put("LD_LIBRARY_PATH", libDir.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not end");
        return List.of(new String(out, StandardCharsets.UTF_8).split("\n"));
    }

    private static String value(List<String> lines, String key) {
        for (String l : lines) {
            if (l.startsWith(key + "=")) {
                return l.substring(key.length() + 1);
            }
        }
        throw new AssertionError("no " + key + " in\n" + String.join("\n", lines));
    }

    private static List<String> values(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1)).toList();
    }

    private Path onlyNvml() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("nvml-only"));
        Files.copy(stubs().resolve("libnvidia-ml.so.1"), dir.resolve("libnvidia-ml.so.1"),
                StandardCopyOption.REPLACE_EXISTING);
        return dir;
    }

    @Test
    void everyNvmlAndCudaCallReturnsTheStubsValuesThroughTheStructLayouts() throws Exception {
        List<String> out = full();
        assertEquals("false", value(out, "route.driverOnly"));
        assertEquals("1", value(out, "count"));
        assertEquals("580.00-stub", value(out, "driver"));
        assertEquals("13.0", value(out, "cudaDriver"));
        assertEquals("13.580.00-stub", value(out, "nvmlVersion"));
        assertEquals("GPUMEM STUB GPU 0", value(out, "name"));
        assertEquals("GPU-57ab0000-0000-0000-0000-000000000000", value(out, "uuid"));
        // before any context: v1 used = reserved + used + the foreign process; v2 keeps reserved apart
        long v1Used = RESERVED + USED + GIB;
        assertEquals("MemoryV1[total=" + TOTAL + ", free=" + (TOTAL - v1Used) + ", used=" + v1Used + "]",
                value(out, "v1"));
        assertEquals("MemoryV2[total=" + TOTAL + ", reserved=" + RESERVED + ", free=" + (TOTAL - v1Used)
                + ", used=" + (USED + GIB) + "]", value(out, "v2"));
        assertEquals("true", value(out, "accounting"));
        assertEquals("13000", value(out, "runtime"));
        assertEquals("13000", value(out, "cudaDriverGetVersion"));
        assertEquals("1", value(out, "cudaDeviceCount"));
        // the stub cudart does not see the foreign process: free = total - used - reserved - context - 1 GiB
        assertEquals("MemInfo[free=" + (TOTAL - USED - RESERVED - CONTEXT - GIB) + ", total=" + TOTAL + "]",
                value(out, "memGetInfo"));
        assertTrue(value(out, "v2.afterMalloc").endsWith("used=" + (USED + GIB + CONTEXT + GIB) + "]"));
        String self = value(out, "self");
        assertEquals("[ProcessUse[pid=" + self + ", used=" + (CONTEXT + GIB) + "], ProcessUse[pid=4242, used="
                + GIB + "]]", value(out, "processes"));
        assertEquals("OptionalLong[" + (CONTEXT + GIB) + "]", value(out, "accountingSelf"));
        assertTrue(value(out, "v2.afterFree").endsWith("used=" + (USED + GIB + CONTEXT) + "]"));
        assertEquals("DeviceUnavailableException: no CUDA device with index 5 (cudaSetDevice returned 101 "
                + "cudaErrorInvalidDevice)", value(out, "setDevice5"));
        assertEquals("CudaException: cudaFree failed: CUDA error 1 cudaErrorInvalidValue (invalid argument)",
                value(out, "freeUnknown"));
    }

    @Test
    void replayOnTheStubGpuHoldsThePlanPerPhaseAndIsMarkedATestDouble() throws Exception {
        List<String> out = full();
        assertEquals("Completed[]", value(out, "outcome"));
        assertEquals("STUB", value(out, "kind"));
        assertEquals("true", value(out, "testDouble"));
        assertEquals("13.0", value(out, "runtimeVersion"));
        // the context was created before the baseline (prepare): it is in the baseline, not in a phase
        assertEquals(Long.toString(CONTEXT), value(out, "baseline.process"));
        assertEquals(Long.toString(CONTEXT + 2 * GIB), value(out, "phase.load.end.process"));
        assertEquals(Long.toString(2 * GIB), value(out, "phase.load.peakAllocated"));
        assertEquals(Long.toString(3 * GIB), value(out, "phase.forward.peakAllocated"));
        // accounting peak rose in both phases: exact
        assertEquals("ACCOUNTING", value(out, "phase.forward.peakKind"));
        assertEquals(Long.toString(CONTEXT + 3 * GIB), value(out, "phase.forward.peakProcess"));
        assertTrue(value(out, "event.FOREIGN_PROCESS").contains("process 4242"));
        assertTrue(Integer.parseInt(value(out, "samples")) > 0);
    }

    @Test
    void runningOutOfDeviceMemoryIsAResultWithPhaseRequestAndFree() throws Exception {
        // 4 GiB card: 0.75 GiB used+reserved, 0.49 GiB context; 2 GiB weights fit, the 1 GiB activation does not
        List<String> out = child(stubs(), true, Map.of("GPUMEM_STUB_TOTAL", Long.toString(4 * GIB)), "replay-oom");
        long free = 4 * GIB - USED - RESERVED - CONTEXT - 2 * GIB;
        assertEquals("OutOfMemory[phase=forward, requestedBytes=" + GIB + ", freeBytes=" + free + "]",
                value(out, "outcome"));
        assertTrue(value(out, "event.OUT_OF_MEMORY").contains("forward"));
    }

    @Test
    void theOomFlagMakesEveryAllocationFail() throws Exception {
        List<String> out = child(stubs(), true, Map.of("GPUMEM_STUB_FAIL", "oom"), "replay-oom");
        assertTrue(value(out, "outcome").startsWith("OutOfMemory[phase=load, requestedBytes=" + 2 * GIB));
    }

    @Test
    void withoutTheCudaRuntimeNvmlStillLoadsThroughTheDriverOnlyRoute() throws Exception {
        List<String> out = child(onlyNvml(), true, Map.of(), "driver-only");
        assertEquals("true", value(out, "route.driverOnly"));
        assertEquals("1", value(out, "count"));
        assertTrue(value(out, "v2").startsWith("MemoryV2[total=" + TOTAL));
        assertEquals("DeviceUnavailableException: NVIDIA driver not found (libcuda.so.1 cannot be loaded)",
                value(out, "cuda"));
        assertEquals(value(out, "cuda"), value(out, "cudaAgain"), "the second touch gives the same sentence");
    }

    @Test
    void noDriverAtAllIsOneSentenceAndExitCode3OrTheCpuTwinWithANotice() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        String o = tmp.resolve("o").toString();
        List<String> out = child(empty, true, Map.of(), "cli", "measure", "--device", "0", "--out", o, "--", "true",
                "::", "measure", "--out", o, "--", "true");
        assertEquals("3", value(out, "0.exit"));
        assertEquals(List.of("gpumem: error: NVIDIA driver not found (libcuda.so.1 and libnvidia-ml.so.1 cannot be "
                + "loaded)"), values(out, "0.err"));
        assertFalse(out.stream().anyMatch(l -> l.contains("\tat ")), "no stack trace");
        // without --device a missing driver means the CPU twin, with a notice
        assertEquals("0", value(out, "1.exit"));
        assertTrue(values(out, "1.err").get(0).startsWith("gpumem: no GPU (NVIDIA driver not found"));
        assertTrue(values(out, "1.out").get(0).startsWith("CPU twin"));
    }

    @Test
    void aReplayWithoutAGpuIsPlannedAndRecordedForTheDeviceNvmlNames() throws Exception {
        String o = tmp.resolve("o").toString();
        String[] tiny = {"--model", "gpt2", "--override", "n_layer=1", "--override", "n_embd=256", "--override",
            "n_head=4", "--override", "vocab_size=4096", "--precision", "fp32", "--batch", "1", "--seq", "64"};
        List<String> args = new ArrayList<>(List.of("cli", "measure", "--backend", "replay", "--out", o));
        args.addAll(List.of(tiny));
        args.addAll(List.of("::", "measure", "--backend", "replay", "--out", o, "--gpu", "a100-80gb"));
        args.addAll(List.of(tiny));
        List<String> out = child(stubs(), true, Map.of("GPUMEM_STUB_NAME", "NVIDIA H100 80GB HBM3"),
                args.toArray(new String[0]));
        assertEquals("0", value(out, "0.exit"), String.join("\n", out));
        assertEquals("true", value(out, "0.profileTestDouble"));
        // no preset has the stub's product name, so a custom card: NVML name and total, Hopper from "H100"
        assertEquals(new GpuSpec("GPUMEM STUB NVIDIA H100 80GB HBM3", TOTAL, GpuArch.HOPPER).toString(),
                value(out, "0.profileGpu"));
        assertEquals(List.of(), values(out, "0.profileEvent.NOTE"));
        // a named card is kept, and the profile says it is not the device
        assertEquals("0", value(out, "1.exit"), String.join("\n", out));
        assertEquals(new GpuSpec("a100-80gb", 81920 * MIB, GpuArch.AMPERE).toString(), value(out, "1.profileGpu"));
        assertEquals(List.of("the request names GPU a100-80gb, ampere, 80.00 GiB but the measurement ran on GPUMEM "
                + "STUB NVIDIA H100 80GB HBM3 (GPUMEM STUB NVIDIA H100 80GB HBM3, hopper, 80.00 GiB); the plan and "
                + "the estimate use the named card's constants"), values(out, "1.profileEvent.NOTE"));
    }

    @Test
    void nvmlThatWillNotInitialiseIsExitCode3() throws Exception {
        List<String> out = child(stubs(), true, Map.of("GPUMEM_STUB_FAIL", "init"), "cli", "measure", "--device",
                "0", "--out", tmp.resolve("o").toString(), "--", "true");
        assertEquals("3", value(out, "0.exit"));
        assertEquals("gpumem: error: NVML did not initialise: nvmlInit_v2 returned 9 (Driver Not Loaded); is the "
                + "NVIDIA driver loaded?", value(out, "0.err"));
    }

    @Test
    void aDeviceIndexThatDoesNotExistIsExitCode3AndAStubProfileIsNeverWrittenUnderResults() throws Exception {
        String o = tmp.resolve("o").toString();
        List<String> out = child(stubs(), true, Map.of(), "cli", "measure", "--device", "3", "--out", o, "--", "true",
                "::", "measure", "--", "true", "::", "measure", "--out", o, "--", "true");
        assertEquals("3", value(out, "0.exit"));
        assertEquals("gpumem: error: no GPU with index 3: NVML sees 1 device (0..0)", value(out, "0.err"));
        // a profile made on the stub is a test double: refused under results/, written elsewhere and marked
        assertEquals("2", value(out, "1.exit"));
        assertTrue(value(out, "1.err").contains("never written under results/"));
        assertEquals("0", value(out, "2.exit"));
        assertEquals("true", value(out, "2.profileTestDouble"));
        List<String> none = child(stubs(), true, Map.of("GPUMEM_STUB_DEVICES", "0"), "cli", "measure", "--device",
                "0", "--out", o, "--", "true");
        assertEquals("gpumem: error: no GPU with index 0: NVML sees 0 devices", value(none, "0.err"));
    }

    @Test
    void aDeviceThatCannotBeReadIsExitCode3NamingTheCall() throws Exception {
        List<String> out = child(stubs(), true, Map.of("GPUMEM_STUB_FAIL", "memory"), "cli", "measure", "--device",
                "0", "--out", tmp.resolve("o").toString(), "--", "true");
        assertEquals("3", value(out, "0.exit"));
        assertEquals("gpumem: error: nvmlDeviceGetMemoryInfo failed: NVML error 15 (GPU is lost)",
                value(out, "0.err"));
    }

    @Test
    void twoRanksOnTwoStubGpusAreEachReadOnTheirOwnDeviceFromTheirRankEnvironment() throws Exception {
        Path state = tmp.resolve("stub-state");
        // what the driver says: device 0 has 4 GiB used and 300 MiB reserved, device 1 7 GiB and 400 MiB
        Files.writeString(state, "device=0 total=" + TOTAL + " used=" + 4 * GIB + " reserved=" + 300 * MIB + "\n"
                + "device=1 total=" + TOTAL + " used=" + 7 * GIB + " reserved=" + 400 * MIB + "\n");
        // two "ranks" (RANK in their environment, as torchrun starts workers) that each, a moment after they start,
        // appear in their own GPU's process list with a known size (rank 0: 3 GiB on GPU 0, rank 1: 5 GiB on GPU 1)
        String rank = "sleep 0.4; echo \"process device=$1 pid=$$ used=$2\" >> \"$0\"; exec sleep 1.2";
        String job = "RANK=0 LOCAL_RANK=0 WORLD_SIZE=2 sh -c '" + rank + "' \"$0\" 0 " + 3 * GIB + " & "
                + "RANK=1 LOCAL_RANK=1 WORLD_SIZE=2 sh -c '" + rank + "' \"$0\" 1 " + 5 * GIB + " & wait";
        List<String> out = child(stubs(), true, Map.of("GPUMEM_STUB_STATE", state.toString()), "cli", "measure",
                "--out", tmp.resolve("o").toString(), "--", "sh", "-c", job, state.toString());
        assertEquals("0", value(out, "0.exit"), String.join("\n", out));
        assertEquals("0", value(out, "0.profileRank.0.device"), String.join("\n", out));
        assertEquals("1", value(out, "0.profileRank.1.device"));
        assertWithin5Percent(3 * GIB, value(out, "0.profileRank.0.peakProcess"), "rank 0's own process on GPU 0");
        assertWithin5Percent(5 * GIB, value(out, "0.profileRank.1.peakProcess"), "rank 1's own process on GPU 1");
        assertWithin5Percent(4 * GIB, value(out, "0.profileRank.0.peakDevice"), "GPU 0 device-wide, not the sum");
        assertWithin5Percent(7 * GIB, value(out, "0.profileRank.1.peakDevice"), "GPU 1 device-wide, not the sum");
        // the job-wide view: every device, with its own peaks and the job's processes on it
        assertEquals("GPU-57ab0000-0000-0000-0000-000000000001", value(out, "0.profileDevice.1.uuid"));
        assertEquals(Long.toString(4 * GIB), value(out, "0.profileDevice.0.peakUsed"));
        assertEquals(Long.toString(400 * MIB), value(out, "0.profileDevice.1.peakReserved"));
        assertEquals(Long.toString(3 * GIB), value(out, "0.profileDevice.0.peakWatched"));
        assertEquals(Long.toString(5 * GIB), value(out, "0.profileDevice.1.peakWatched"));
    }

    private static void assertWithin5Percent(long expected, String actual, String what) {
        assertTrue(actual != null && !actual.equals("null"), what + ": no value");
        long v = Long.parseLong(actual);
        assertTrue(Math.abs(v - expected) <= expected * 0.05, what + ": " + v + " is not within 5 % of " + expected);
    }

    @Test
    void whatNvmlDoesNotSupportIsAbsentNotZero() throws Exception {
        List<String> out = child(stubs(), true, Map.of("GPUMEM_STUB_FAIL", "notsupported"), "probe");
        assertEquals(Long.toString(RESERVED + USED), value(out, "deviceUsed"), "v1 used stands in for v2");
        assertEquals("null", value(out, "deviceReserved"));
        assertEquals("null", value(out, "processUsed"));
        assertEquals("OptionalLong.empty", value(out, "accountingPeak"));
        assertTrue(values(out, "event.PROBE_UNAVAILABLE").stream().anyMatch(m -> m.contains("_v2 is not supported")));
    }

    @Test
    void theMachinesCudaRuntimeOverTheStubDriverSaysTheDriverIsMissingOrOld() throws Exception {
        assumeTrue(Files.exists(Path.of("/usr/local/cuda/lib64/libcudart.so.13")), "no CUDA 13 runtime here");
        List<String> out = child(stubs(), false, Map.of(), "cuda-real");
        assertEquals("13000", value(out, "runtime"));
        assertTrue(value(out, "setDevice").startsWith("DeviceUnavailableException: the NVIDIA driver is missing or "
                + "older than the CUDA runtime: cudaSetDevice returned 3"), value(out, "setDevice"));
    }
}
