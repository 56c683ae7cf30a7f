package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GpusCommandTest {
    private static final List<String> NAMES = List.of("v100-16gb", "v100-32gb", "t4-16gb", "a10-24gb", "a100-40gb",
            "a100-80gb", "h100-80gb", "h100-94gb", "h100-96gb", "h200-141gb", "l4-24gb", "l40s-48gb", "rtx3090-24gb",
            "rtx4090-24gb", "rtx5090-32gb", "b200-180gb");

    @Test
    void tableListsEveryPresetWithItsMibTotal() {
        CliRun r = CliRun.of("gpus");
        assertEquals(0, r.code(), r.err());
        NAMES.forEach(n -> assertTrue(r.out().contains(n), n));
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("h100-80gb") && l.contains(" 81559 ")), r.out());
        assertTrue(r.out().contains("MiB = 1024² B"));
        assertTrue(r.out().lines().skip(1).findFirst().orElseThrow().contains("total MiB"), r.out());
    }

    @Test
    void jsonListsEveryPresetWithTotalBytes() {
        CliRun r = CliRun.of("gpus", "--json");
        assertEquals(0, r.code(), r.err());
        NAMES.forEach(n -> assertTrue(r.out().contains("\"name\" : \"" + n + "\""), n));
        assertTrue(r.out().contains("\"total_bytes\" : " + 81559L * 1024 * 1024), r.out());
        assertTrue(r.out().strip().startsWith("[") && r.out().strip().endsWith("]"));
    }
}
