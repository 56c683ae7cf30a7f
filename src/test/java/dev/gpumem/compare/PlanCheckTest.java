package dev.gpumem.compare;

import static dev.gpumem.compare.Fixtures.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.Phase;
import dev.gpumem.measure.Profile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A replay allocates the estimator's own plan: its rows are plan checks, kept out of the estimate-error statistics
 * and named so in verdicts; on a GPU its device level is a real reading of context + cudaMalloc granularity, with a
 * statistics row of its own. Numbers by hand.
 */
class PlanCheckTest {
    private static LevelError find(Comparison c, String phase, Level level) {
        return c.errors().stream().filter(e -> e.phase().equals(phase) && e.level() == level).findFirst()
                .orElseThrow();
    }

    /** estimate: allocated 100, reserved 120, device 620 MiB */
    private static final Estimate EST = Fixtures.estimate(Fixtures.phase(Phase.FORWARD, 100 * MIB, 120 * MIB,
            620 * MIB));

    /** replay-cca on a GPU: its counters are the plan's own (100, 120); NVML shows 650 MiB for the process */
    private static final Profile REPLAY_GPU = Fixtures.profile(Fixtures.H100, "replay-cca",
            Fixtures.reading(0, 0, null), Fixtures.measured("forward", 0, 10, 700 * MIB, 650 * MIB, 100 * MIB,
                    120 * MIB));

    /** an external run measured 80 MiB allocated, 100 reserved, 500 device: +25 %, +20 %, +24 % */
    private static final Profile EXTERNAL = Fixtures.profile(Fixtures.H100, "external", Fixtures.reading(0, 0, null),
            Fixtures.measured("forward", 0, 10, 600 * MIB, 500 * MIB, 80 * MIB, 100 * MIB));

    @Test
    void aReplaysRowsArePlanChecksAndItsGpuDeviceLevelIsTheDeviceOverheadCheck() {
        Comparison c = Comparison.of("replay.json", REPLAY_GPU, EST);
        assertEquals(Evidence.PLAN_CHECK, find(c, "forward", Level.ALLOCATED).evidence());
        assertEquals(Evidence.PLAN_CHECK, find(c, "forward", Level.RESERVED).evidence());
        assertEquals(Evidence.DEVICE_OVERHEAD_CHECK, find(c, "forward", Level.DEVICE).evidence());
        // the deviation is still shown: device (620 − 650) / 650
        assertEquals(-30.0 / 650, find(c, "forward", Level.DEVICE).relativeError(), 1e-12);
        assertTrue(c.notes().stream().anyMatch(n -> n.contains("plan check") && n.contains("not a validation")),
                c.notes().toString());
        Comparison ext = Comparison.of("ext.json", EXTERNAL, EST);
        assertEquals(Evidence.ESTIMATE_ERROR, find(ext, "forward", Level.DEVICE).evidence());
    }

    @Test
    void planChecksAreLeftOutOfTheErrorStatisticsAndSummarisedApart() {
        ComparisonSummary s = ComparisonSummary.of(List.of(Comparison.of("replay.json", REPLAY_GPU, EST),
                Comparison.of("ext.json", EXTERNAL, EST)));
        // only the external run's three rows: +25 %, +20 %, +24 %; worst +25 %
        assertEquals(3, s.overall().n());
        assertEquals(0.24, s.overall().medianAbs(), 1e-12);
        assertEquals(0.25, s.worstAbs(), 1e-12);
        assertEquals(0.0, s.overall().shareUnder(), 1e-12);
        assertTrue(s.overall().worst().stream().noneMatch(w -> w.id().startsWith("replay.json")));
        // the replay's allocated and reserved (exactly the plan: 0 %) and its device level (−4.6 %) apart
        assertEquals(2, s.planChecks().get(Evidence.PLAN_CHECK).n());
        assertEquals(0.0, s.planChecks().get(Evidence.PLAN_CHECK).medianAbs(), 1e-12);
        assertEquals(1, s.planChecks().get(Evidence.DEVICE_OVERHEAD_CHECK).n());
        assertEquals(1.0, s.planChecks().get(Evidence.DEVICE_OVERHEAD_CHECK).shareUnder(), 1e-12);
    }

    @Test
    void onlyAReplayGivesNoEstimateErrorAtAll() {
        ComparisonSummary s = ComparisonSummary.of(List.of(Comparison.of("replay.json", REPLAY_GPU, EST)));
        assertEquals(0, s.overall().n());
        assertEquals(0, s.byLevel().get(Level.ALLOCATED).n());
        assertEquals(0.0, s.worstAbs());
    }

    @Test
    void aVerdictOnAReplayCallsItsBreachAPlanCheckNotAnEstimateError() {
        // a plain replay on the CPU twin: 100 MiB planned, the resident set grew by 110 MiB: −9.09 %
        Profile cpu = Fixtures.profile(Fixtures.CPU, "replay", Fixtures.reading(0, 300 * MIB, 300 * MIB),
                Fixtures.measured("forward", 0, 10, 410 * MIB, 410 * MIB, 100 * MIB, null));
        Comparison c = Comparison.of("cpu.json", cpu, EST);
        Verdict v = Verdict.of(List.of(new Verdict.Input("cpu.json", cpu, c)), new Limits(5.0, null, null, 0.05));
        assertFalse(v.passed());
        String why = v.failures().get(0).failures().get(0);
        assertTrue(why.startsWith("plan check (replay of the estimator's own plan) off by -9.09%"), why);
        assertFalse(v.line().contains("estimate error"), v.line());
        assertTrue(v.notes().stream().anyMatch(n -> n.contains("not the estimate")), v.notes().toString());
    }
}
