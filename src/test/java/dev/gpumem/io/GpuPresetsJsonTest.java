package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.GpuPreset;
import dev.gpumem.estimate.GpuPresets;
import dev.gpumem.estimate.GpuSpec.GpuArch;
import java.util.List;
import org.junit.jupiter.api.Test;

class GpuPresetsJsonTest {
    private static final long MIB = 1024L * 1024;

    @Test
    void shipsEveryPresetTheIssueNames() {
        GpuPresets p = GpuPresetsJson.load();
        for (String name : List.of("v100-16gb", "v100-32gb", "t4-16gb", "a10-24gb", "a100-40gb", "a100-80gb",
                "h100-80gb", "h100-94gb", "h100-96gb", "h200-141gb", "l4-24gb", "l40s-48gb", "rtx3090-24gb",
                "rtx4090-24gb", "rtx5090-32gb", "b200-180gb")) {
            assertTrue(p.find(name).isPresent(), name);
        }
    }

    @Test
    void totalsAreNvidiaSmiMibTimesMib() {
        GpuPresets p = GpuPresetsJson.load();
        // nvidia-smi memory.total: H100 80GB HBM3 81559 MiB, A100 80GB 81920 MiB, A100 40GB 40960 MiB
        assertEquals(81559 * MIB, p.resolve("gpu", "h100-80gb").totalBytes());
        assertEquals(81920 * MIB, p.resolve("gpu", "a100-80gb").totalBytes());
        assertEquals(40960 * MIB, p.resolve("gpu", "a100-40gb").totalBytes());
        assertEquals(GpuArch.HOPPER, p.resolve("gpu", "h200-141gb").arch());
        assertEquals(GpuArch.VOLTA, p.resolve("gpu", "v100-16gb").arch());
    }

    @Test
    void everyPresetNamesItsSourceAndIsInItsNamedSizeClass() {
        for (GpuPreset g : GpuPresetsJson.load().all()) {
            assertTrue(!g.source().isBlank(), g.name());
            int gb = Integer.parseInt(g.name().replaceAll(".*-(\\d+)gb$", "$1"));
            double decimalGb = g.totalBytes() / 1e9;
            // the marketing "NN GB" is within 15 % of the reported total (reserved ECC / firmware memory differ)
            assertTrue(Math.abs(decimalGb - gb) / gb < 0.15, g.name() + " " + decimalGb);
        }
    }

    @Test
    void unknownPresetNamesTheAcceptedValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GpuPresetsJson.load().resolve("gpu", "h100-81gb"));
        assertTrue(e.getMessage().startsWith("gpu: unknown value 'h100-81gb'; accepted: "), e.getMessage());
        assertTrue(e.getMessage().contains("h100-80gb"));
    }
}
