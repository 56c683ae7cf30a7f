package dev.gpumem.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.measure.host.RssProbe;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What every runner owes the harness, checked on the CPU twin. A runner's test extends this and says how to make a
 * runner whose workload completes and marks {@link #expectedPhases()}.
 */
public abstract class RunnerContract {

    /** @return a fresh runner whose workload completes */
    protected abstract Runner completingRunner() throws Exception;

    /** @return the phases the completing runner marks, in order */
    protected abstract List<String> expectedPhases();

    private MeasurementSession.Measurement measure() throws Exception {
        Runner runner = completingRunner();
        return new MeasurementSession(new RssProbe(), new MeasurementSession.Setup("test", "unknown", "host", null,
                null, 500, null)).run(runner);
    }

    @Test
    void marksItsPhasesInOrderWithExactReadingsThatDoNotOverlap() throws Exception {
        MeasurementSession.Measurement m = measure();
        assertInstanceOf(RunOutcome.Completed.class, m.outcome());
        List<PhaseReading> phases = m.profile().phases();
        assertEquals(expectedPhases(), phases.stream().map(PhaseReading::phase).toList());
        long previousEnd = m.profile().baseline().tNanos();
        for (PhaseReading r : phases) {
            assertTrue(r.start().tNanos() >= previousEnd, r.phase() + " starts before the previous phase ended");
            assertTrue(r.end().tNanos() >= r.start().tNanos(), r.phase() + " ends before it starts");
            assertTrue(r.peakDevice() >= Math.max(r.start().deviceUsed(), r.end().deviceUsed()),
                    r.phase() + ": the peak is below a boundary reading");
            previousEnd = r.end().tNanos();
        }
    }

    @Test
    void namesItselfAndLeavesSamplesAndTheirRate() throws Exception {
        Runner runner = completingRunner();
        MeasurementSession.Measurement m = new MeasurementSession(new RssProbe(), new MeasurementSession.Setup(
                "test", "unknown", "host", null, null, 500, null)).run(runner);
        assertEquals(runner.name(), m.profile().provenance().runner());
        assertFalse(runner.name().isBlank());
        assertTrue(m.profile().samples().size() > 0);
        assertTrue(m.profile().sampleRateHz() > 0);
        assertTrue(m.profile().events().stream().anyMatch(e -> e.kind() == RunEvent.Kind.SAMPLE_RATE));
    }
}
