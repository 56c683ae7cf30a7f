package dev.gpumem.gpu;

import static dev.gpumem.compare.Fixtures.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.compare.Fixtures;
import dev.gpumem.measure.Profile;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Runs everywhere (not tagged gpu): the GPU suite's growth check against a committed baseline, on hand-made
 * profiles, so it is known to fail when memory grows even while no card has a baseline committed.
 */
class GrowthCheckTest {
    /** one phase whose per-process peak is {@code process} MiB (the device-wide peak 1 GiB more) */
    private static Profile peak(long processMib) {
        return Fixtures.profile(Fixtures.H100, "replay", Fixtures.reading(0, 0, null),
                Fixtures.measured("forward", 0, 10, (processMib + 1024) * MIB, processMib * MIB, null, null));
    }

    @Test
    void growthBeyondTwoPercentFailsAndNamesBothPeaks() {
        // 1000 → 1030 MiB: +3 %
        Optional<String> why = GpuRegressionTest.growthBeyondTolerance(peak(1000), peak(1030));
        assertTrue(why.isPresent());
        assertTrue(why.get().contains("+3.00%") && why.get().contains(Long.toString(1000 * MIB)), why.get());
    }

    @Test
    void growthWithinTwoPercentOrShrinkingPasses() {
        assertEquals(Optional.empty(), GpuRegressionTest.growthBeyondTolerance(peak(1000), peak(1020)));
        assertEquals(Optional.empty(), GpuRegressionTest.growthBeyondTolerance(peak(1000), peak(900)));
    }

    @Test
    void thePeakIsThePerProcessReadingWhereThereIsOne() {
        assertEquals(1000 * MIB, GpuRegressionTest.peakDevice(peak(1000)));
        Profile deviceOnly = Fixtures.profile(Fixtures.H100, "replay", Fixtures.reading(0, 0, null),
                Fixtures.measured("forward", 0, 10, 2000 * MIB, null, null, null));
        assertEquals(2000 * MIB, GpuRegressionTest.peakDevice(deviceOnly));
        Profile none = Fixtures.profile(Fixtures.H100, "replay", Fixtures.reading(0, 0, null));
        assertThrows(AssertionError.class, () -> GpuRegressionTest.peakDevice(none));
    }
}
