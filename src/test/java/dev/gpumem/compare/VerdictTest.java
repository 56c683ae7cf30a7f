package dev.gpumem.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.Phase;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RankReading;
import dev.gpumem.measure.Reading;
import dev.gpumem.measure.RunPeak;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictTest {
    private static final long MIB = 1L << 20;

    /** CPU: baseline 300 MiB, load peaks at 400 MiB: 100 MiB allocated */
    private static final Profile CPU = Fixtures.profile(Fixtures.CPU, "external", Fixtures.reading(0, 300 * MIB,
            300 * MIB), Fixtures.measured("load", 0, 10, 400 * MIB, 400 * MIB, null, null));

    private static Profile twoRanks(long rank0, long rank1) {
        Reading base = Fixtures.reading(0, 50 * MIB, 50 * MIB);
        List<RankReading> ranks = List.of(rank(0, base, rank0), rank(1, base, rank1));
        return new Profile(CPU.schemaVersion(), CPU.provenance(), CPU.request(), null, CPU.baseline(), null,
                CPU.phases(), CPU.samples(), 1000, List.of(), ranks);
    }

    private static RankReading rank(int r, Reading base, long allocated) {
        PhaseReading load = Fixtures.measured("load", 0, 10, 50 * MIB + allocated, 50 * MIB + allocated, null, null);
        return new RankReading(r, 100 + r, base, null, List.of(load), RunPeak.of(base, List.of(load), List.of()), 2);
    }

    @Test
    void noLimitPassesAndChecksNothing() {
        Verdict v = Verdict.of(List.of(new Verdict.Input("p.json", CPU, null)), Limits.NONE);
        assertTrue(v.passed());
        assertEquals(0, v.checks());
        assertTrue(v.line().startsWith("gpumem verdict: PASS"), v.line());
    }

    @Test
    void maxPeakFailsOnTheMeasuredNumberAndTheLineNamesPhaseAndLevel() {
        Verdict v = Verdict.of(List.of(new Verdict.Input("p.json", CPU, null)),
                new Limits(null, 99 * MIB, null, 0.05));
        assertFalse(v.passed());
        // load/allocated (100 MiB) and the run-wide peak (100 MiB) are both above 99 MiB
        assertEquals(2, v.failures().size());
        assertTrue(v.line().contains("p.json load/allocated: measured 100.00 MiB above --max-peak 99.00 MiB"),
                v.line());
        assertTrue(Verdict.of(List.of(new Verdict.Input("p.json", CPU, null)),
                new Limits(null, 100 * MIB, null, 0.05)).passed(), "equal to the limit passes");
    }

    @Test
    void maxErrorNamesTheRankThatBreachesIt() {
        Profile p = twoRanks(100 * MIB, 150 * MIB);
        Comparison c = Comparison.of("p.json", p, Fixtures.estimate(Fixtures.phase(Phase.LOAD, 100 * MIB, 100 * MIB, 100 * MIB)));
        Verdict v = Verdict.of(List.of(new Verdict.Input("p.json", p, c)), new Limits(5.0, null, null, 0.05));
        assertFalse(v.passed());
        // rank 1: (100 − 150) / 150 = −33.3 % at load and at its run-wide peak; rank 0 exact
        assertEquals(List.of("rank 1/load/allocated", "rank 1/whole_run/allocated"),
                v.failures().stream().map(VerdictCase::name).toList());
        assertTrue(v.line().contains("rank 1/load/allocated: estimate error -33.33% above --max-error 5.00%"), v.line());
        assertFalse(v.caseOf("p.json", 0, "load", Level.ALLOCATED).orElseThrow().failed());
    }

    @Test
    void aBudgetProfileAllowsItsPeaksPlusTheTolerancePerRank() {
        Profile budget = twoRanks(100 * MIB, 100 * MIB);
        Profile now = twoRanks(105 * MIB, 106 * MIB);
        Verdict v = Verdict.of(List.of(new Verdict.Input("now.json", now, null)), new Limits(null, null, budget, 0.05));
        // 105 ≤ 100 × 1.05 passes; 106 does not, at load and run-wide
        assertEquals(List.of("rank 1/load/allocated", "rank 1/whole_run/allocated"),
                v.failures().stream().map(VerdictCase::name).toList());
        assertTrue(v.failures().get(0).failures().get(0).contains("above the budget 100.00 MiB + 5%"),
                v.failures().get(0).failures().toString());
    }

    @Test
    void aPhaseMeasuredTwiceIsTwoCases() {
        Profile p = Fixtures.profile(Fixtures.CPU, "external", Fixtures.reading(0, 0, 0L),
                Fixtures.measured("forward", 0, 10, 10 * MIB, 10 * MIB, null, null),
                Fixtures.measured("forward", 11, 20, 30 * MIB, 30 * MIB, null, null));
        Verdict v = Verdict.of(List.of(new Verdict.Input("p.json", p, null)), new Limits(null, 20 * MIB, null, 0.05));
        assertEquals(List.of("forward#2/allocated", "whole_run/allocated"),
                v.failures().stream().map(VerdictCase::name).toList());
    }
}
