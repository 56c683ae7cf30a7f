package dev.gpumem.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MeasurementSessionTest {

    private static MeasurementSession session(FakeProbe probe) {
        return new MeasurementSession(probe, new MeasurementSession.Setup("test", "unknown", "host", null, null,
                1000, null));
    }

    @Test
    void recordsExactReadingsAtEachBoundaryAndTheFrameworkCounters() throws Exception {
        FakeProbe probe = new FakeProbe();
        probe.used.set(100);
        MeasurementSession.Measurement m = session(probe).run(new Runner() {
            @Override public String name() { return "test"; }
            @Override public RunOutcome run(RunContext ctx) {
                ctx.beginPhase("load");
                probe.used.set(1_000);
                ctx.endPhase("load", new FrameworkCounters(900L, 1_000L, 950L, 1_000L));
                ctx.beginPhase("forward");
                probe.used.set(5_000);
                probe.used.set(3_000);
                return new RunOutcome.Completed();
            }
        });
        Profile p = m.profile();
        assertEquals(100, p.baseline().deviceUsed());
        assertEquals(List.of("load", "forward"), p.phases().stream().map(PhaseReading::phase).toList());
        PhaseReading load = p.phases().get(0);
        assertEquals(100, load.start().deviceUsed());
        assertEquals(1_000, load.end().deviceUsed());
        assertEquals(900L, load.end().frameworkAllocated());
        assertEquals(950L, load.peakAllocated());
        PhaseReading forward = p.phases().get(1);
        assertEquals(3_000, forward.end().deviceUsed(), "the open phase is closed when the run returns");
        assertNull(forward.peakAllocated());
        assertEquals(PhaseReading.PeakKind.POLLED_LOWER_BOUND, forward.peakKind());
        assertTrue(p.events().stream().anyMatch(e -> e.kind() == RunEvent.Kind.SAMPLE_RATE));
    }

    @Test
    void aBaselineMarkIsRecordedAndBecomesTheBaselineTheWorkloadIsCountedFrom() throws Exception {
        FakeProbe probe = new FakeProbe();
        probe.used.set(100);
        MeasurementSession.Measurement m = session(probe).run(new Runner() {
            @Override public String name() { return "test"; }
            @Override public RunOutcome run(RunContext ctx) {
                probe.used.set(330); // the interpreter and its imports
                ctx.markBaseline();
                probe.used.set(400);
                ctx.endPhase("load", FrameworkCounters.NONE);
                return new RunOutcome.Completed();
            }
        });
        Profile p = m.profile();
        assertEquals(100, p.baseline().deviceUsed(), "the run's own baseline stays");
        assertEquals(330, p.markedBaseline().deviceUsed());
        assertEquals(330, p.effectiveBaseline().deviceUsed());
        assertEquals(330, p.phases().get(0).start().deviceUsed(), "an end-only phase after the mark starts there");
    }

    @Test
    void theRunWidePeakSeesMemoryUsedAfterTheLastMarker() throws Exception {
        FakeProbe probe = new FakeProbe();
        MeasurementSession.Measurement m = session(probe).run(new Runner() {
            @Override public String name() { return "test"; }
            @Override public RunOutcome run(RunContext ctx) throws InterruptedException {
                probe.used.set(58);
                ctx.endPhase("load", FrameworkCounters.NONE);
                probe.used.set(158); // after the last marker
                Thread.sleep(50);    // the sampler (1 kHz) reads it
                probe.used.set(10);
                return new RunOutcome.Completed();
            }
        });
        Profile p = m.profile();
        assertEquals(58, p.phases().get(0).peakDevice());
        assertEquals(158, p.runPeak().device(), "the run-wide peak, outside any phase");
    }

    @Test
    void anUnmarkedRunIsOnePhaseFromBaselineToEnd() throws Exception {
        FakeProbe probe = new FakeProbe();
        MeasurementSession.Measurement m = session(probe).run(new Runner() {
            @Override public String name() { return "test"; }
            @Override public RunOutcome run(RunContext ctx) {
                probe.used.set(42);
                return new RunOutcome.Completed();
            }
        });
        assertEquals(1, m.profile().phases().size());
        assertEquals(PhaseClock.UNMARKED, m.profile().phases().get(0).phase());
        assertEquals(42, m.profile().phases().get(0).peakDevice());
    }

    @Test
    void anEndWithoutBeginTakesTheIntervalSinceThePreviousBoundary() throws Exception {
        FakeProbe probe = new FakeProbe();
        MeasurementSession.Measurement m = session(probe).run(new Runner() {
            @Override public String name() { return "test"; }
            @Override public RunOutcome run(RunContext ctx) {
                probe.used.set(10);
                ctx.endPhase("forward", FrameworkCounters.NONE);
                probe.used.set(20);
                ctx.endPhase("backward", new FrameworkCounters(null, null, 7L, null));
                return new RunOutcome.Completed();
            }
        });
        List<PhaseReading> phases = m.profile().phases();
        assertEquals(List.of("forward", "backward"), phases.stream().map(PhaseReading::phase).toList());
        assertEquals(0, phases.get(0).start().deviceUsed(), "forward starts at the baseline");
        assertEquals(phases.get(0).end(), phases.get(1).start(), "backward starts where forward ended");
        assertEquals(7L, phases.get(1).peakAllocated());
    }

    @Test
    void outOfMemoryIsRecordedAsAnEventWithItsPhase() throws Exception {
        FakeProbe probe = new FakeProbe();
        MeasurementSession.Measurement m = session(probe).run(new Runner() {
            @Override public String name() { return "test"; }
            @Override public RunOutcome run(RunContext ctx) {
                ctx.beginPhase("backward");
                return new RunOutcome.OutOfMemory("backward", 1L << 40, 123);
            }
        });
        RunEvent oom = m.profile().events().stream().filter(e -> e.kind() == RunEvent.Kind.OUT_OF_MEMORY)
                .findFirst().orElseThrow();
        assertEquals("backward", oom.phase());
        assertEquals(1L << 40, oom.bytes());
    }

    @Test
    void theSamplerRecordsSamplesAndItsAchievedRate() throws Exception {
        FakeProbe probe = new FakeProbe();
        MeasurementSession.Measurement m = session(probe).run(new Runner() {
            @Override public String name() { return "test"; }
            @Override public RunOutcome run(RunContext ctx) throws InterruptedException {
                ctx.beginPhase("load");
                Thread.sleep(50);
                return new RunOutcome.Completed();
            }
        });
        assertTrue(m.profile().samples().size() > 0);
        assertTrue(m.profile().sampleRateHz() > 0);
        assertTrue(m.profile().samples().stream().anyMatch(s -> s.phase().equals("load")));
    }

    @Test
    void aStoppedRunKeepsItsPhasesAndIsMarkedInterruptedInThePhaseItCut() throws Exception {
        FakeProbe probe = new FakeProbe();
        StopRequest stop = new StopRequest();
        MeasurementSession session = new MeasurementSession(probe, new MeasurementSession.Setup("test", "unknown",
                "host", null, null, 1000, null), stop);
        MeasurementSession.Measurement m = session.run(new Runner() {
            @Override public String name() { return "test"; }
            @Override public RunOutcome run(RunContext ctx) {
                ctx.beginPhase("load");
                ctx.endPhase("load", FrameworkCounters.NONE);
                ctx.beginPhase("forward");
                assertTrue(ctx.stopRequested().isEmpty());
                stop.request("SIGTERM");
                stop.request("SIGINT");
                return new RunOutcome.Interrupted(ctx.stopRequested().orElseThrow());
            }
        });
        assertEquals(new RunOutcome.Interrupted("SIGTERM"), m.outcome(), "the first cause wins");
        assertEquals(List.of("load", "forward"), m.profile().phases().stream().map(PhaseReading::phase).toList());
        RunEvent e = m.profile().events().stream().filter(x -> x.kind() == RunEvent.Kind.INTERRUPTED)
                .findFirst().orElseThrow();
        assertEquals("forward", e.phase());
        assertEquals("interrupted by SIGTERM in phase forward (cut short at the stop); the 2 phases measured so far "
                + "are kept", e.message());
    }
}
