package dev.gpumem.measure.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.GpuPresets;
import dev.gpumem.estimate.GpuSpec;
import dev.gpumem.estimate.GpuSpec.GpuArch;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.RequestJson;
import dev.gpumem.measure.DeviceInfo;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A request without a gpu gets the card the measurement runs on; a named gpu is kept, with a note if it differs. */
class DeviceGpuFillTest {
    private static final long MIB = 1024L * 1024;
    private final GpuPresets presets = GpuPresetsJson.load();
    private final RunConfig noGpu = request("");

    private RunConfig request(String gpuField) {
        return new RequestJson(presets).parse("{\"model\":\"gpt2\",\"precision\":\"fp32\",\"batch\":1,\"seq\":64"
                + gpuField + "}");
    }

    private static DeviceInfo gpu(String name, long total) {
        return new DeviceInfo(DeviceInfo.Kind.GPU, name, "GPU-0", total, "580.0", "13.0", "13.0", "13.580");
    }

    @Test
    void anH100NamedAsItsPresetProductGetsThePreset() {
        // gpus.json: h100-80gb is "NVIDIA H100 80GB HBM3", nvidia-smi memory.total 81559 MiB
        DeviceGpuFill.Filled f = DeviceGpuFill.fill(noGpu, gpu("NVIDIA H100 80GB HBM3", 81559 * MIB), presets);
        assertEquals(new GpuSpec("h100-80gb", 81559 * MIB, GpuArch.HOPPER), f.request().gpu());
        assertEquals(List.of(), f.notes());
        assertEquals(noGpu.withGpu(f.request().gpu()), f.request(), "only the gpu is filled");
    }

    @Test
    void aCardWithoutAPresetBecomesACustomCardWithItsNvmlNameTotalAndArchitecture() {
        DeviceGpuFill.Filled f = DeviceGpuFill.fill(noGpu, gpu("NVIDIA H800 PCIe", 81559 * MIB), presets);
        assertEquals(new GpuSpec("NVIDIA H800 PCIe", 81559 * MIB, GpuArch.HOPPER), f.request().gpu());
    }

    @Test
    void theCpuTwinIsACpuCardWithThePhysicalMemory() {
        DeviceInfo cpu = new DeviceInfo(DeviceInfo.Kind.CPU, "AMD EPYC 7B13", null, 8192 * MIB, null, null, null,
                null);
        DeviceGpuFill.Filled f = DeviceGpuFill.fill(noGpu, cpu, presets);
        assertEquals(new GpuSpec("AMD EPYC 7B13", 8192 * MIB, GpuArch.CPU), f.request().gpu());
    }

    @Test
    void aDeviceWhoseArchitectureCannotBeToldLeavesTheRequestWithANote() {
        DeviceInfo stub = new DeviceInfo(DeviceInfo.Kind.STUB, "GPUMEM STUB GPU 0", "GPU-0", 16384 * MIB, null, null,
                null, null);
        DeviceGpuFill.Filled f = DeviceGpuFill.fill(noGpu, stub, presets);
        assertNull(f.request().gpu());
        assertEquals(1, f.notes().size());
        assertTrue(f.notes().get(0).contains("cannot tell the architecture of 'GPUMEM STUB GPU 0'"), f.notes().get(0));
    }

    @Test
    void aNamedGpuIsKeptAndADifferentDeviceIsNoted() {
        RunConfig a100 = request(",\"gpu\":\"a100-80gb\"");
        DeviceGpuFill.Filled f = DeviceGpuFill.fill(a100, gpu("NVIDIA H100 80GB HBM3", 81559 * MIB), presets);
        assertSame(a100, f.request());
        assertEquals(List.of("the request names GPU a100-80gb, ampere, 80.00 GiB but the measurement ran on NVIDIA "
                + "H100 80GB HBM3 (h100-80gb, hopper, 79.65 GiB); the plan and the estimate use the named card's "
                + "constants"), f.notes());
    }

    @Test
    void aNamedGpuThatIsTheDeviceNeedsNoNote() {
        RunConfig h100 = request(",\"gpu\":\"h100-80gb\"");
        DeviceGpuFill.Filled f = DeviceGpuFill.fill(h100, gpu("NVIDIA H100 80GB HBM3", 81559 * MIB), presets);
        assertSame(h100, f.request());
        assertEquals(List.of(), f.notes());
    }

    @Test
    void noRequestHasNothingToFill() {
        DeviceGpuFill.Filled f = DeviceGpuFill.fill(null, gpu("NVIDIA H100 80GB HBM3", 81559 * MIB), presets);
        assertNull(f.request());
        assertEquals(List.of(), f.notes());
    }
}
