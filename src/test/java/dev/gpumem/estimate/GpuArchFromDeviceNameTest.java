package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gpumem.estimate.GpuSpec.GpuArch;
import org.junit.jupiter.api.Test;

/** NVML names as the driver reports them (nvidia-smi --query-gpu=name). */
class GpuArchFromDeviceNameTest {
    @Test
    void knownCardsMapToTheirArchitecture() {
        assertEquals(GpuArch.HOPPER, GpuArch.fromDeviceName("NVIDIA H100 80GB HBM3"));
        assertEquals(GpuArch.HOPPER, GpuArch.fromDeviceName("NVIDIA H200"));
        assertEquals(GpuArch.AMPERE, GpuArch.fromDeviceName("NVIDIA A100-SXM4-40GB"));
        assertEquals(GpuArch.AMPERE, GpuArch.fromDeviceName("NVIDIA A10G"));
        assertEquals(GpuArch.ADA, GpuArch.fromDeviceName("NVIDIA L4"));
        assertEquals(GpuArch.ADA, GpuArch.fromDeviceName("NVIDIA L40S"));
        assertEquals(GpuArch.ADA, GpuArch.fromDeviceName("NVIDIA GeForce RTX 4090"));
        assertEquals(GpuArch.TURING, GpuArch.fromDeviceName("Tesla T4"));
        assertEquals(GpuArch.VOLTA, GpuArch.fromDeviceName("Tesla V100-SXM2-16GB"));
        assertEquals(GpuArch.BLACKWELL, GpuArch.fromDeviceName("NVIDIA B200"));
    }

    @Test
    void unknownCardIsRefusedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GpuArch.fromDeviceName("Stub GPU"));
        assertEquals("gpu: cannot tell the architecture of 'Stub GPU'; known families: Volta, Turing, Ampere, Ada,"
                + " Hopper, Blackwell", e.getMessage());
    }
}
