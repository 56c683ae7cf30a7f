package dev.gpumem.compare;

import static dev.gpumem.compare.Fixtures.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.Phase;
import dev.gpumem.measure.Profile;
import org.junit.jupiter.api.Test;

/**
 * On the CPU twin the resident set's growth is compared with the level the host really holds: the allocator
 * model's segments for replay-cca (reserved), the live tensors for every other runner (allocated); each CPU
 * comparison says which.
 */
class HostLevelTest {
    /** allocated 66 MiB of tensors in 100 MiB of segments */
    private static final Estimate EST = Fixtures.estimate(Fixtures.phase(Phase.FORWARD, 66 * MIB, 100 * MIB,
            100 * MIB));

    /** the resident set grew by 100 MiB over a 300 MiB baseline */
    private static Profile cpu(String runner) {
        return Fixtures.profile(Fixtures.CPU, runner, Fixtures.reading(0, 300 * MIB, 300 * MIB),
                Fixtures.measured("forward", 0, 10, 400 * MIB, 400 * MIB, 66 * MIB, 100 * MIB));
    }

    private static LevelError find(Comparison c, Level level) {
        return c.errors().stream().filter(e -> e.level() == level).findFirst().orElseThrow();
    }

    @Test
    void replayCcaOnTheCpuComparesTheResidentSegmentsWithReserved() {
        Comparison c = Comparison.of("cca.json", cpu("replay-cca"), EST);
        LevelError reserved = find(c, Level.RESERVED);
        assertEquals(100 * MIB, reserved.measured().bytes());
        assertEquals(0.0, reserved.relativeError(), 1e-12, "100 MiB of segments against 100 MiB reserved");
        assertFalse(find(c, Level.ALLOCATED).measured().present(),
                "not (66 − 100) / 100 = −34 % against allocated");
        assertFalse(find(c, Level.DEVICE).measured().present());
        assertTrue(c.notes().stream().anyMatch(n -> n.startsWith("CPU twin") && n.contains("reserved estimate")),
                c.notes().toString());
        assertEquals(100 * MIB, c.runPeakErrors().stream().filter(e -> e.level() == Level.RESERVED).findFirst()
                .orElseThrow().measured().bytes());
    }

    @Test
    void everyOtherCpuRunnerComparesWithAllocatedAndSaysSo() {
        for (String runner : new String[] {"replay", "djl", "external"}) {
            Comparison c = Comparison.of(runner + ".json", cpu(runner), EST);
            // (66 − 100) / 100
            assertEquals(-0.34, find(c, Level.ALLOCATED).relativeError(), 1e-12, runner);
            assertFalse(find(c, Level.RESERVED).measured().present(), runner);
            assertTrue(c.notes().stream().anyMatch(n -> n.startsWith("CPU twin")
                    && n.contains("allocated estimate")), runner + ": " + c.notes());
        }
        assertEquals(Level.ALLOCATED, MeasuredLevels.hostLevel(cpu("djl")));
        assertEquals(Level.RESERVED, MeasuredLevels.hostLevel(cpu("replay-cca")));
    }
}
