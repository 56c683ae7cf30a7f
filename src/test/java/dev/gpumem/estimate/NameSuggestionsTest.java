package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.GpuSpec.GpuArch;
import dev.gpumem.estimate.RunConfig.FinetuneMethod;
import dev.gpumem.estimate.RunConfig.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unknown enum values and GPU names say what the user probably meant. */
class NameSuggestionsTest {
    private static final long GIB = 1L << 30;
    private final GpuPresets gpus = new GpuPresets(List.of(
            new GpuPreset("a100-80gb", "NVIDIA A100-SXM4-80GB", 80 * GIB, GpuArch.AMPERE, "test"),
            new GpuPreset("h100-80gb", "NVIDIA H100 80GB HBM3", 79 * GIB, GpuArch.HOPPER, "test"),
            new GpuPreset("h100-96gb", "NVIDIA H100 96GB HBM3", 94 * GIB, GpuArch.HOPPER, "test"),
            new GpuPreset("h200-141gb", "NVIDIA H200", 140 * GIB, GpuArch.HOPPER, "test")));

    @Test
    void aMistypedPrecisionSuggestsTheNearestValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WireEnum.parse(Precision.class, "precision", "bf61"));
        assertEquals("precision: unknown value 'bf61'; accepted: fp32, fp16, bf16, amp-fp16, amp-bf16; did you mean bf16?",
                e.getMessage());
        IllegalArgumentException lora = assertThrows(IllegalArgumentException.class,
                () -> WireEnum.parse(FinetuneMethod.class, "finetune.method", "LoRa"));
        assertTrue(lora.getMessage().endsWith("; did you mean lora?"), lora.getMessage());
    }

    @Test
    void aValueNearNothingListsTheAcceptedValuesOnly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WireEnum.parse(Precision.class, "precision", "int3"));
        assertFalse(e.getMessage().contains("did you mean"), e.getMessage());
    }

    @Test
    void gpuNamesIgnoreCase() {
        assertEquals(gpus.resolve("gpu", "h100-80gb"), gpus.resolve("gpu", "H100-80GB"));
        assertTrue(gpus.isPresetName("A100-80GB"));
        assertEquals("h100-80gb", gpus.resolve("gpu", "NVIDIA H100 80GB HBM3").name());   // nvidia-smi's name
    }

    @Test
    void aFamilyNameListsItsPresets() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gpus.resolve("gpu", "h100"));
        assertEquals("gpu: unknown value 'h100'; the h100 presets are h100-80gb (NVIDIA H100 80GB HBM3), h100-96gb"
                + " (NVIDIA H100 96GB HBM3); give one of them, or a custom card {\"name\", \"total_bytes\"} (arch"
                + " optional: read from the name)", e.getMessage());
    }

    @Test
    void aMistypedGpuSuggestsTheNearestPreset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gpus.resolve("gpu", "h100-81gb"));
        assertTrue(e.getMessage().startsWith("gpu: unknown value 'h100-81gb'; accepted: a100-80gb, h100-80gb,"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("; did you mean h100-80gb?"), e.getMessage());
    }
}
