package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.GpuSpec.ArchOrigin;
import dev.gpumem.estimate.GpuSpec.GpuArch;
import java.util.Optional;
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

    @Test
    void namesAsUsersWriteThemTellTheArchitecture() {
        assertEquals(Optional.of(GpuArch.HOPPER), GpuArch.fromName("my-h100-nvl"));
        assertEquals(Optional.of(GpuArch.HOPPER), GpuArch.fromName("GH200 480GB"));
        assertEquals(Optional.of(GpuArch.AMPERE), GpuArch.fromName("a6000"));
        assertEquals(Optional.of(GpuArch.AMPERE), GpuArch.fromName("NVIDIA RTX A6000"));
        assertEquals(Optional.of(GpuArch.AMPERE), GpuArch.fromName("a30"));
        assertEquals(Optional.of(GpuArch.AMPERE), GpuArch.fromName("A40"));
        assertEquals(Optional.of(GpuArch.ADA), GpuArch.fromName("rtx4090"));
        assertEquals(Optional.of(GpuArch.ADA), GpuArch.fromName("L40S"));
        assertEquals(Optional.of(GpuArch.ADA), GpuArch.fromName("NVIDIA RTX 6000 Ada Generation"));
        assertEquals(Optional.of(GpuArch.VOLTA), GpuArch.fromName("v100_32gb"));
        assertEquals(Optional.of(GpuArch.BLACKWELL), GpuArch.fromName("gb200"));
        assertEquals(Optional.of(GpuArch.BLACKWELL), GpuArch.fromName("b200-192gb"));
        assertEquals(Optional.of(GpuArch.BLACKWELL), GpuArch.fromName("NVIDIA RTX PRO 6000 Blackwell"));
    }

    @Test
    void aCodeInsideALongerNumberIsNoFamily() {
        // A10 must not be read from A100's digits, nor L4 from L40, nor T4 from RTX 4090
        assertEquals(Optional.of(GpuArch.AMPERE), GpuArch.fromName("A100"));
        assertEquals(Optional.of(GpuArch.ADA), GpuArch.fromName("L40"));
        assertEquals(Optional.empty(), GpuArch.fromName("A1000000"));
        assertEquals(Optional.empty(), GpuArch.fromName("lab-box-7"));
    }

    @Test
    void aCardWithoutArchTakesTheNamesFamilyOrTheConservativeDefaultAndSaysSo() {
        GpuSpec named = GpuSpec.withoutArch("rented-a6000", 48_000_000_000L, null);
        assertEquals(GpuArch.AMPERE, named.arch());
        assertEquals(ArchOrigin.FROM_NAME, named.archOrigin());
        assertTrue(named.archNote().orElseThrow().contains("ampere read from the name"), named.archNote().get());
        GpuSpec unnamed = GpuSpec.withoutArch("lab-box-7", 24_000_000_000L, null);
        assertEquals(GpuArch.HOPPER, unnamed.arch());
        assertEquals(ArchOrigin.DEFAULT, unnamed.archOrigin());
        assertTrue(unnamed.archNote().orElseThrow().contains("conservative default hopper"), unnamed.archNote().get());
        assertEquals(Optional.empty(), new GpuSpec("x", 1, GpuArch.ADA).archNote());
    }

    @Test
    void theDefaultArchitectureHasTheLargestShippedDeviceConstants() {
        var chosen = dev.gpumem.estimate.device.DeviceDefaults.forArch(GpuSpec.DEFAULT_ARCH);
        for (GpuArch a : GpuArch.values()) {
            var other = dev.gpumem.estimate.device.DeviceDefaults.forArch(a);
            assertTrue(chosen.contextBytes() + chosen.workspaceBytes() >= other.contextBytes() + other.workspaceBytes(),
                    a.wire());
        }
    }

    @Test
    void theEstimateNotesHowTheArchitectureOfACardWithoutArchWasChosen() {
        RunConfig cfg = RunConfig.training("tiny", RunConfig.Precision.AMP_BF16, RunConfig.Optimizer.ADAMW, 1, 16)
                .withGpu(GpuSpec.withoutArch("lab box", 24L << 30, null));
        Estimate e = new Estimator().estimate(TinyModels.tiny(), cfg);
        assertTrue(e.notes().stream().anyMatch(n -> n.startsWith("gpu 'lab box': no arch given")), e.notes().toString());
        assertEquals(e.phases().get(0).device() - e.phases().get(0).reserved(),
                dev.gpumem.estimate.device.DeviceDefaults.forArch(GpuArch.HOPPER).contextBytes());
    }
}
