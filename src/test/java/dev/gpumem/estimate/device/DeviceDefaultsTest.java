package dev.gpumem.estimate.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.GpuSpec;
import dev.gpumem.estimate.GpuSpec.GpuArch;
import org.junit.jupiter.api.Test;

class DeviceDefaultsTest {
    private static final GpuSpec V100 = new GpuSpec("v100-16gb", 16L << 30, GpuArch.VOLTA);

    @Test
    void cudaBeforeLazyModuleLoadingGetsAOneGibContext() {
        // CUDA 11.2 predates lazy loading (11.7): every module image is loaded at context creation,
        // ">1000 MB" (pytorch/pytorch#107667) -> 1,024 MiB = 1,073,741,824 B
        Calibration old = DeviceDefaults.forGpu(V100.withCuda("11.2"));
        assertEquals(1024L * 1024 * 1024, old.contextBytes());
        // the workspace does not depend on the loading mode: 4096 KiB·2 + 16 KiB·8 = 8,519,680 B
        assertEquals(8_519_680L, old.workspaceBytes());
        assertTrue(old.provenance().contains("11.2"), old.provenance());
    }

    @Test
    void lazyLoadingOrAnUnstatedVersionKeepsTheCurrentDefault() {
        assertEquals(500L * 1024 * 1024, DeviceDefaults.forGpu(V100.withCuda("11.7")).contextBytes());
        assertEquals(500L * 1024 * 1024, DeviceDefaults.forGpu(V100.withCuda("12.4.1")).contextBytes());
        assertEquals(500L * 1024 * 1024, DeviceDefaults.forGpu(V100).contextBytes());
        assertEquals(DeviceDefaults.forArch(GpuArch.VOLTA), DeviceDefaults.forGpu(V100));
    }

    @Test
    void lazyLoadingStartsAtCuda117() {
        assertFalse(V100.withCuda("11.6").lazyModuleLoading());
        assertFalse(V100.withCuda("10").lazyModuleLoading());
        assertTrue(V100.withCuda("11.7").lazyModuleLoading());
        assertTrue(V100.withCuda("12").lazyModuleLoading());
    }

    @Test
    void aMalformedCudaVersionNamesTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> V100.withCuda("eleven"));
        assertTrue(e.getMessage().startsWith("gpu.cuda:"), e.getMessage());
    }
}
