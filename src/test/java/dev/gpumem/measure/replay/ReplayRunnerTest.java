package dev.gpumem.measure.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.plan.AllocationPlan;
import dev.gpumem.estimate.plan.PlanEvent;
import dev.gpumem.measure.MeasurementSession;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RunEvent;
import dev.gpumem.measure.RunOutcome;
import dev.gpumem.measure.Runner;
import dev.gpumem.measure.host.HostMemory;
import dev.gpumem.measure.host.RssProbe;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replay runners on the host twin: real malloc + memset, resident memory as the probe. */
class ReplayRunnerTest {
    private static final long MIB = 1L << 20;
    // above glibc's largest dynamic mmap threshold (32 MiB on 64-bit), so each block is its own mapping
    private static final long WEIGHTS = 48 * MIB;
    private static final long ACTIVATION = 40 * MIB;

    /** load: weights; forward: an activation that lives, then a temporary that is freed. */
    static AllocationPlan plan() {
        return new AllocationPlan(List.of(
                new PlanEvent.PhaseStart(Phase.LOAD),
                new PlanEvent.Alloc(1, "weights", WEIGHTS, Component.WEIGHTS),
                new PlanEvent.PhaseStart(Phase.FORWARD),
                new PlanEvent.Alloc(2, "act", ACTIVATION, Component.ACTIVATIONS),
                new PlanEvent.Alloc(3, "tmp", ACTIVATION, Component.TEMPORARY),
                new PlanEvent.Free(3)));
    }

    private static MeasurementSession.Measurement measure(Runner runner) throws InterruptedException {
        return new MeasurementSession(new RssProbe(), new MeasurementSession.Setup("test", "unknown", "host",
                null, null, 500, null)).run(runner);
    }

    @Test
    void hostReplayHoldsEachPhasesTensorsInResidentMemory() throws Exception {
        MeasurementSession.Measurement m = measure(ReplayRunner.direct(plan(), new HostMemory(-1)));
        assertInstanceOf(RunOutcome.Completed.class, m.outcome());
        Profile p = m.profile();
        assertEquals("replay", p.provenance().runner());
        assertEquals(List.of("load", "forward"), p.phases().stream().map(PhaseReading::phase).toList());
        PhaseReading load = p.phases().get(0);
        long loadGrowth = load.end().deviceUsed() - load.start().deviceUsed();
        // 48 MiB touched; resident memory follows large blocks to about 1 MiB (cpu-rss-probe.md), and the JVM's own
        // resident memory moves by a few MiB meanwhile (GC, JIT: 44.8 MiB was seen once on the shared 2-core machine)
        assertTrue(loadGrowth > 40 * MIB && loadGrowth < 56 * MIB, "load grew by " + loadGrowth);
        PhaseReading forward = p.phases().get(1);
        // exact counters: weights 48 + act 40 + tmp 40 at the peak; 48 + 40 live at the end
        assertEquals(WEIGHTS + 2 * ACTIVATION, forward.peakAllocated());
        assertEquals(WEIGHTS + ACTIVATION, forward.end().frameworkAllocated());
        assertEquals(WEIGHTS, load.peakAllocated());
    }

    @Test
    void runningOutOfMemoryIsAResultWithItsPhaseAndEverythingIsFreed() throws Exception {
        HostMemory small = new HostMemory(WEIGHTS + ACTIVATION + MIB);
        MeasurementSession.Measurement m = measure(ReplayRunner.direct(plan(), small));
        RunOutcome.OutOfMemory oom = assertInstanceOf(RunOutcome.OutOfMemory.class, m.outcome());
        assertEquals("forward", oom.phase());
        assertEquals(ACTIVATION, oom.requestedBytes());
        assertTrue(m.profile().events().stream().anyMatch(e -> e.kind() == RunEvent.Kind.OUT_OF_MEMORY
                && "forward".equals(e.phase())));
        // everything was freed: a second allocation of the full limit succeeds
        long h = small.allocate(WEIGHTS + ACTIVATION);
        assertTrue(h != 0);
        small.close();
    }

    @Test
    void cachingReplayReportsTheModelsReservedBytes() throws Exception {
        MeasurementSession.Measurement m = measure(
                ReplayRunner.caching(plan(), new HostMemory(-1), SegmentPerRequestModel::new));
        assertInstanceOf(RunOutcome.Completed.class, m.outcome());
        assertEquals("replay-cca", m.profile().provenance().runner());
        PhaseReading forward = m.profile().phases().get(1);
        // the freed temporary stays cached: reserved = 48 + 40 + 40 MiB while allocated = 48 + 40 MiB
        assertEquals(WEIGHTS + 2 * ACTIVATION, forward.end().frameworkReserved());
        assertEquals(WEIGHTS + ACTIVATION, forward.end().frameworkAllocated());
        assertEquals(WEIGHTS + 2 * ACTIVATION, forward.peakReserved());
    }

    @Test
    void aPlanThatFreesAnUnknownTensorIsRefused() {
        AllocationPlan bad = new AllocationPlan(List.of(new PlanEvent.PhaseStart(Phase.LOAD),
                new PlanEvent.Free(9)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> measure(ReplayRunner.direct(bad, new HostMemory(-1))));
        assertTrue(e.getMessage().contains("id 9"));
    }

    @Test
    void aStopRequestEndsTheReplayAtTheNextPlanEventClosingThePhaseInProgress() throws Exception {
        java.util.List<String> calls = new java.util.ArrayList<>();
        HostMemory memory = new HostMemory(WEIGHTS + ACTIVATION);
        dev.gpumem.measure.RunContext ctx = new dev.gpumem.measure.RunContext() {
            @Override public void beginPhase(String phase) { calls.add("begin " + phase); }
            @Override public void endPhase(String phase, dev.gpumem.measure.FrameworkCounters c) {
                calls.add("end " + phase + " " + c.allocated());
            }
            @Override public String currentPhase() { return "run"; }
            @Override public void event(RunEvent event) { calls.add("event " + event.kind()); }
            @Override public void watch(ProcessHandle process) { }
            @Override public long nanos() { return 0; }
            @Override public java.util.Optional<java.time.Duration> timeout() { return java.util.Optional.empty(); }
            // the stop arrives once load has begun
            @Override public java.util.Optional<String> stopRequested() {
                return calls.contains("begin load") ? java.util.Optional.of("SIGINT") : java.util.Optional.empty();
            }
        };
        RunOutcome outcome = ReplayRunner.direct(plan(), memory).run(ctx);
        assertEquals(new RunOutcome.Interrupted("SIGINT"), outcome);
        // load's weights were never allocated: the stop is seen before the next plan event
        assertEquals(List.of("begin load", "end load 0"), calls);
    }
}
