package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.compare.DeviceCalibration;
import dev.gpumem.estimate.GpuSpec;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.device.Calibration;
import dev.gpumem.estimate.device.DeviceDefaults;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalibrationJsonTest {
    static final DeviceCalibration CAL = new DeviceCalibration("NVIDIA H100 80GB HBM3", "nvidia-h100-80gb-hbm3",
            GpuSpec.GpuArch.HOPPER, 536_870_912L, 9_437_184L, 1.25, "median of residuals", List.of("a.json"),
            List.of(new DeviceCalibration.Residual("a.json", "forward", 1000, 990)), "580.65.06", "0.1.0", "abc",
            List.of("a note"));

    @Test
    void roundTripsEveryField() {
        String json = CalibrationJson.toJson(CAL);
        assertTrue(json.contains("\"residual_bytes\" : 10"), json);
        assertEquals(CAL, CalibrationJson.fromJson(json, "x.json"));
    }

    @Test
    void badFieldIsNamedWithTheFile() {
        String json = CalibrationJson.toJson(CAL).replace("\"context_bytes\" : 536870912", "\"context_bytes\" : \"big\"");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CalibrationJson.fromJson(json, "h100.json"));
        assertEquals("h100.json: context_bytes must be an integer number of bytes", e.getMessage());
    }

    @Test
    void wrongSchemaVersionAndUnknownArchAreRefused() {
        String v2 = CalibrationJson.toJson(CAL).replace("\"schema_version\" : 1", "\"schema_version\" : 2");
        assertThrows(IllegalArgumentException.class, () -> CalibrationJson.fromJson(v2, "f"));
        String arch = CalibrationJson.toJson(CAL).replace("\"hopper\"", "\"kepler\"");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CalibrationJson.fromJson(arch, "f"));
        assertTrue(e.getMessage().startsWith("f: "), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CalibrationJson.fromJson("[1,", "f"));
    }

    @Test
    void shippedLookupFindsByPresetNameOrSlugAndSkipsUnsafeKeys(@TempDir Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("dev/gpumem/calibration"));
        Files.writeString(dir.resolve("h100-80gb.json"), CalibrationJson.toJson(CAL));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
            ShippedCalibrations shipped = new ShippedCalibrations(loader);
            assertEquals(CAL, shipped.find("nvidia-h100-80gb-hbm3", "h100-80gb").orElseThrow());
            assertFalse(shipped.find("a100-40gb").isPresent());
            assertFalse(shipped.find("../calibration/h100-80gb", null).isPresent());
        }
    }

    @Test
    void estimatorFormFoldsOutsideAllocatorMemoryIntoContextAndKeepsTheCublasDefault(@TempDir Path dir)
            throws Exception {
        Path f = Files.writeString(dir.resolve("h100.json"), CalibrationJson.toJson(CAL));
        Calibration c = CalibrationJson.readForEstimator(f);
        // 512 MiB context + 9 MiB outside-allocator library memory
        assertEquals(536_870_912L + 9_437_184L, c.contextBytes());
        assertEquals(DeviceDefaults.forArch(GpuSpec.GpuArch.HOPPER).workspaceBytes(), c.workspaceBytes());
        assertEquals(1.25, c.allocatorSlackFactor());
        assertEquals(Source.MEASURED_CALIBRATION, c.source());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CalibrationJson.readForEstimator(dir.resolve("none.json")));
        assertTrue(e.getMessage().startsWith("--calibration: no such file"), e.getMessage());
    }

    @Test
    void shippedCalibrationOfAPresetGpuIsFoundInTheEstimatorsForm(@TempDir Path root) throws Exception {
        Path dir = Files.createDirectories(root.resolve("dev/gpumem/calibration"));
        Files.writeString(dir.resolve("h100-80gb.json"), CalibrationJson.toJson(CAL));
        try (URLClassLoader loader = new URLClassLoader(new URL[] {root.toUri().toURL()}, null)) {
            ShippedCalibrations shipped = new ShippedCalibrations(loader);
            GpuSpec h100 = new GpuSpec("h100-80gb", 80L << 30, GpuSpec.GpuArch.HOPPER);
            assertEquals(Source.MEASURED_CALIBRATION, shipped.forGpu(h100).orElseThrow().source());
            // same name but another architecture: not applied
            assertTrue(shipped.forGpu(new GpuSpec("h100-80gb", 80L << 30, GpuSpec.GpuArch.AMPERE)).isEmpty());
            assertTrue(shipped.forGpu(null).isEmpty());
        }
    }
}
