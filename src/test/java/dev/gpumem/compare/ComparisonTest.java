package dev.gpumem.compare;

import static dev.gpumem.compare.Fixtures.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.Phase;
import dev.gpumem.measure.Profile;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTest {

    private static LevelError find(Comparison c, String phase, Level level) {
        return c.errors().stream().filter(e -> e.phase().equals(phase) && e.level() == level).findFirst()
                .orElseThrow();
    }

    @Test
    void estimateOf110AgainstMeasured100IsPlusTenPercent() {
        Profile p = Fixtures.profile(Fixtures.H100, "external", Fixtures.reading(0, 0, null),
                Fixtures.measured("forward", 0, 10, 150 * MIB, 100 * MIB, 100 * MIB, 100 * MIB));
        Comparison c = Comparison.of("p.json", p, Fixtures.estimate(
                Fixtures.phase(Phase.FORWARD, 110 * MIB, 110 * MIB, 110 * MIB)));
        LevelError e = find(c, "forward", Level.ALLOCATED);
        assertEquals(10 * MIB, e.errorBytes());
        assertEquals(0.10, e.relativeError(), 1e-12);
    }

    @Test
    void underEstimateHasNegativeSign() {
        Profile p = Fixtures.profile(Fixtures.H100, "external", Fixtures.reading(0, 0, null),
                Fixtures.measured("forward", 0, 10, 200 * MIB, 200 * MIB, 100 * MIB, 120 * MIB));
        Comparison c = Comparison.of("p.json", p, Fixtures.estimate(
                Fixtures.phase(Phase.FORWARD, 90 * MIB, 120 * MIB, 150 * MIB)));
        assertEquals(-0.10, find(c, "forward", Level.ALLOCATED).relativeError(), 1e-12);
        assertEquals(0.0, find(c, "forward", Level.RESERVED).relativeError(), 1e-12);
        // device: 150 estimated against 200 per-process: (150 − 200) / 200 = −25 %
        assertEquals(-0.25, find(c, "forward", Level.DEVICE).relativeError(), 1e-12);
    }

    @Test
    void missingFrameworkCountersAreAbsentNotZero() {
        Profile p = Fixtures.profile(Fixtures.H100, "replay", Fixtures.reading(0, 600 * MIB, null),
                Fixtures.measured("forward", 0, 10, 900 * MIB, null, null, null));
        Comparison c = Comparison.of("p.json", p, Fixtures.estimate(
                Fixtures.phase(Phase.FORWARD, 90 * MIB, 120 * MIB, 150 * MIB)));
        for (Level l : Level.values()) {
            LevelError e = find(c, "forward", l);
            assertFalse(e.measured().present(), l + " should be absent");
            assertNull(e.errorBytes());
            assertNull(e.relativeError());
        }
        assertTrue(find(c, "forward", Level.DEVICE).measured().basis().contains("baseline already holds"));
        assertEquals(3, ComparisonSummary.of(List.of(c)).absent());
        assertEquals(0, ComparisonSummary.of(List.of(c)).overall().n());
    }

    @Test
    void externalRunWithoutPerProcessReadingSubtractsThePreContextBaseline() {
        // another process holds 1000 MiB before the child starts; the child's peak makes the device show 1800 MiB
        Profile p = Fixtures.profile(Fixtures.H100, "external", Fixtures.reading(0, 1000 * MIB, null),
                Fixtures.measured("forward", 0, 10, 1800 * MIB, null, null, null));
        Comparison c = Comparison.of("p.json", p, Fixtures.estimate(
                Fixtures.phase(Phase.FORWARD, 500 * MIB, 600 * MIB, 880 * MIB)));
        LevelError d = find(c, "forward", Level.DEVICE);
        assertEquals(800 * MIB, d.measured().bytes());
        assertEquals(0.10, d.relativeError(), 1e-12);
    }

    @Test
    void cpuProfileComparesAllocatedWithResidentSetGrowthOverBaseline() {
        // JVM resident set 300 MiB at baseline, 400 MiB at the phase peak: 100 MiB measured
        Profile p = Fixtures.profile(Fixtures.CPU, "replay", Fixtures.reading(0, 300 * MIB, 300 * MIB),
                Fixtures.measured("forward", 0, 10, 400 * MIB, 400 * MIB, null, null));
        Comparison c = Comparison.of("cpu.json", p, Fixtures.estimate(
                Fixtures.phase(Phase.FORWARD, 105 * MIB, 105 * MIB, 105 * MIB)));
        assertEquals(100 * MIB, find(c, "forward", Level.ALLOCATED).measured().bytes());
        assertEquals(0.05, find(c, "forward", Level.ALLOCATED).relativeError(), 1e-12);
        assertFalse(find(c, "forward", Level.RESERVED).measured().present());
        assertFalse(find(c, "forward", Level.DEVICE).measured().present());
    }

    @Test
    void phaseTheEstimateLacksBecomesANoteNotARow() {
        Profile p = Fixtures.profile(Fixtures.H100, "external", Fixtures.reading(0, 0, null),
                Fixtures.measured("my_eval", 0, 10, 100 * MIB, 100 * MIB, null, null));
        Comparison c = Comparison.of("p.json", p, Fixtures.estimate(
                Fixtures.phase(Phase.FORWARD, 1, 1, 1)));
        assertTrue(c.errors().isEmpty());
        assertEquals(1, c.notes().size());
        assertTrue(c.notes().get(0).contains("my_eval"));
    }

    @Test
    void summaryCountsUnderEstimatesPerLevel() {
        Profile p = Fixtures.profile(Fixtures.H100, "external", Fixtures.reading(0, 0, null),
                Fixtures.measured("load", 0, 10, 100 * MIB, 100 * MIB, 100 * MIB, 100 * MIB),
                Fixtures.measured("forward", 10, 20, 100 * MIB, 100 * MIB, 100 * MIB, 100 * MIB));
        Comparison c = Comparison.of("p.json", p, Fixtures.estimate(
                Fixtures.phase(Phase.LOAD, 90 * MIB, 100 * MIB, 120 * MIB),
                Fixtures.phase(Phase.FORWARD, 80 * MIB, 100 * MIB, 130 * MIB)));
        ComparisonSummary s = ComparisonSummary.of(List.of(c));
        // allocated: −10 %, −20 %: both under; median of |−0.1|, |−0.2| = 0.15
        assertEquals(1.0, s.byLevel().get(Level.ALLOCATED).shareUnder(), 1e-12);
        assertEquals(0.15, s.byLevel().get(Level.ALLOCATED).medianAbs(), 1e-12);
        // device: +20 %, +30 %: none under
        assertEquals(0.0, s.byLevel().get(Level.DEVICE).shareUnder(), 1e-12);
        assertEquals(6, s.overall().n());
        assertEquals(0.30, s.worstAbs(), 1e-12);
    }
}
