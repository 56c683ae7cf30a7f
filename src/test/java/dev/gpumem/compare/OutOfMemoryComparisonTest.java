package dev.gpumem.compare;

import static dev.gpumem.compare.Fixtures.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.Phase;
import dev.gpumem.measure.Profile;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A profile that ran out of memory is not compared as if its phases had run: the failed phase shows the event and
 * the state at the failure (no error), the phases never reached show "not run", and neither is in the statistics.
 */
class OutOfMemoryComparisonTest {
    /** load ran (100 MiB allocated); forward failed with 300 MiB allocated at the failure; backward never ran */
    private static final Profile OOM = Fixtures.withEvents(Fixtures.profile(Fixtures.H100, "external",
            Fixtures.reading(0, 0, null),
            Fixtures.measured("load", 0, 10, 150 * MIB, 120 * MIB, 100 * MIB, 110 * MIB),
            Fixtures.measured("forward", 10, 20, 400 * MIB, 380 * MIB, 300 * MIB, 320 * MIB)),
            Fixtures.outOfMemory("forward", 512 * MIB));

    /** load estimated +10 % at every level; forward 900 MiB (a phantom +200 % if the failure were compared) */
    private static final Estimate EST = Fixtures.estimate(
            Fixtures.phase(Phase.LOAD, 110 * MIB, 121 * MIB, 132 * MIB),
            Fixtures.phase(Phase.FORWARD, 900 * MIB, 950 * MIB, 1000 * MIB),
            Fixtures.phase(Phase.BACKWARD, 1200 * MIB, 1300 * MIB, 1400 * MIB));

    private static List<LevelError> rows(Comparison c, String phase) {
        return c.errors().stream().filter(e -> e.phase().equals(phase)).toList();
    }

    @Test
    void theFailedPhaseShowsTheEventAndNoError() {
        Comparison c = Comparison.of("oom.json", OOM, EST);
        List<LevelError> forward = rows(c, "forward");
        assertEquals(3, forward.size());
        for (LevelError e : forward) {
            assertEquals(LevelError.State.OUT_OF_MEMORY, e.state());
            assertNull(e.relativeError(), e.toString());
            assertNull(e.errorBytes());
            assertFalse(e.scored());
        }
        assertEquals(300 * MIB, forward.get(0).measured().bytes(), "the state at the failure is kept");
        assertTrue(c.notes().stream().anyMatch(n -> n.startsWith("out of memory in phase forward")),
                c.notes().toString());
    }

    @Test
    void thePhasesNeverReachedAreNotRunRowsWithoutAMeasurement() {
        Comparison c = Comparison.of("oom.json", OOM, EST);
        List<LevelError> backward = rows(c, "backward");
        assertEquals(3, backward.size());
        for (LevelError e : backward) {
            assertEquals(LevelError.State.NOT_RUN, e.state());
            assertFalse(e.measured().present());
            assertTrue(e.measured().basis().startsWith("never ran: out of memory in phase forward"));
        }
        for (LevelError e : c.runPeakErrors()) {
            assertEquals(LevelError.State.OUT_OF_MEMORY, e.state(), "the run never reached its peak");
            assertNull(e.relativeError());
        }
    }

    @Test
    void onlyThePhasesThatRanAreInTheStatisticsAndTheSummaryNamesTheRest() {
        ComparisonSummary s = ComparisonSummary.of(List.of(Comparison.of("oom.json", OOM, EST)));
        // load: 110/100, 121/110, 132/120: +10 % each; forward's phantom +200 % is not there
        assertEquals(3, s.overall().n());
        assertEquals(0.10, s.worstAbs(), 1e-12);
        assertEquals(0, s.absent(), "a phase that did not run is not an absent measurement");
        assertEquals(List.of("oom.json: out of memory in phase forward: 512.00 MiB requested, 0.00 MiB free;"
                + " not compared: forward, backward"), s.outOfMemory());
    }

    @Test
    void aMaxErrorVerdictFailsOnThePhaseItCouldNotCheck() {
        Comparison c = Comparison.of("oom.json", OOM, EST);
        Verdict v = Verdict.of(List.of(new Verdict.Input("oom.json", OOM, c)), new Limits(15.0, null, null, 0.05));
        assertFalse(v.passed());
        assertEquals(1, v.failures().size(), v.failures().toString());
        VerdictCase failed = v.failures().get(0);
        assertEquals("forward", failed.phase());
        assertTrue(failed.failures().get(0).startsWith("out of memory here"), failed.failures().toString());
        assertTrue(v.caseOf("oom.json", null, "load", Level.ALLOCATED).orElseThrow().checks() > 0);
    }
}
