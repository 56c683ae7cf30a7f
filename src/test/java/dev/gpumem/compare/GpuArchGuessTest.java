package dev.gpumem.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gpumem.estimate.GpuSpec.GpuArch;
import org.junit.jupiter.api.Test;

/** NVML names as the driver reports them (nvidia-smi --query-gpu=name). */
class GpuArchGuessTest {
    @Test
    void knownCardsMapToTheirArchitecture() {
        assertEquals(GpuArch.HOPPER, GpuArchGuess.fromName("NVIDIA H100 80GB HBM3"));
        assertEquals(GpuArch.HOPPER, GpuArchGuess.fromName("NVIDIA H200"));
        assertEquals(GpuArch.AMPERE, GpuArchGuess.fromName("NVIDIA A100-SXM4-40GB"));
        assertEquals(GpuArch.AMPERE, GpuArchGuess.fromName("NVIDIA A10G"));
        assertEquals(GpuArch.ADA, GpuArchGuess.fromName("NVIDIA L4"));
        assertEquals(GpuArch.ADA, GpuArchGuess.fromName("NVIDIA L40S"));
        assertEquals(GpuArch.ADA, GpuArchGuess.fromName("NVIDIA GeForce RTX 4090"));
        assertEquals(GpuArch.TURING, GpuArchGuess.fromName("Tesla T4"));
        assertEquals(GpuArch.VOLTA, GpuArchGuess.fromName("Tesla V100-SXM2-16GB"));
        assertEquals(GpuArch.BLACKWELL, GpuArchGuess.fromName("NVIDIA B200"));
    }

    @Test
    void unknownCardIsRefusedWithItsName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GpuArchGuess.fromName("Stub GPU"));
        assertEquals("gpu: cannot tell the architecture of 'Stub GPU'; known families: Volta, Turing, Ampere, Ada,"
                + " Hopper, Blackwell", e.getMessage());
    }
}
