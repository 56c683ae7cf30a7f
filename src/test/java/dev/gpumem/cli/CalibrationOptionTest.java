package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --calibration FILE and the calibration shipped for a GPU replace the device defaults (real estimator). */
class CalibrationOptionTest {
    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    /** @return every phase's "context" component of a pretty --json result */
    private static java.util.List<Long> contexts(String json) {
        Matcher m = Pattern.compile("\"context\" : (\\d+)").matcher(json);
        java.util.List<Long> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(Long.parseLong(m.group(1)));
        }
        assertTrue(!out.isEmpty(), json);
        return out;
    }

    @Test
    void aCalibrationFileSetsTheContextOfItsArchitecture() throws Exception {
        Path cal = dir.resolve("h100.json");
        Files.writeString(cal, "{\"schema_version\":1,\"gpu\":\"NVIDIA H100 80GB HBM3\",\"gpu_slug\":\"nvidia-h100-80gb-hbm3\","
                + "\"arch\":\"hopper\",\"context_bytes\":" + 321 * MIB + ",\"workspace_bytes\":0,"
                + "\"allocator_slack_factor\":1.0,\"method\":\"test\",\"source_profiles\":[],\"residuals\":[],"
                + "\"tool_version\":\"test\",\"commit\":\"test\",\"notes\":[]}");
        CliRun r = CliRun.of("estimate", "--model", "llama-3.2-1b", "--gpu", "h100-80gb", "--json",
                "--calibration", cal.toString());
        assertEquals(0, r.code(), r.err());
        contexts(r.out()).forEach(c -> assertEquals(321 * MIB, c));
    }

    @Test
    void theCalibrationShippedForAGpuIsUsedWithoutTheOption() {
        CliRun r = CliRun.of("estimate", "--model", "llama-3.2-1b", "--gpu", "test-card-shipped",
                "--gpu-total-bytes", String.valueOf(24L << 30), "--gpu-arch", "ada", "--json");
        assertEquals(0, r.code(), r.err());
        contexts(r.out()).forEach(c -> assertEquals(77 * MIB, c));
        CliRun other = CliRun.of("estimate", "--model", "llama-3.2-1b", "--gpu", "other-card",
                "--gpu-total-bytes", String.valueOf(24L << 30), "--gpu-arch", "ada", "--json");
        contexts(other.out()).forEach(c -> assertTrue(c != 77 * MIB, "defaults for a card without a calibration"));
    }

    @Test
    void aMissingCalibrationFileIsBadInput() {
        CliRun r = CliRun.of("estimate", "--model", "llama-3.2-1b", "--calibration", dir.resolve("none.json").toString());
        assertEquals(ExitCode.BAD_INPUT.code(), r.code());
        assertTrue(r.err().strip().startsWith("gpumem: error: --calibration: no such file"), r.err());
    }
}
