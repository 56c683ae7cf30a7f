package dev.gpumem.measure.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Estimator;
import dev.gpumem.estimate.GpuSpec;
import dev.gpumem.estimate.GpuSpec.GpuArch;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.alloc.PytorchCachingAllocator;
import dev.gpumem.estimate.plan.AllocationPlan;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.RequestJson;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.MeasurementSession;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RunnerKind;
import dev.gpumem.measure.host.HostMemory;
import dev.gpumem.measure.host.RssProbe;
import dev.gpumem.measure.run.MeasureSpec;
import dev.gpumem.measure.run.Measurements;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract between the estimator and the replay. A replay allocates the estimator's own plan, so nothing here
 * validates the estimate; what can fail is:
 * <ul>
 *   <li>the plan replayed on real (host) memory through the independent {@link ReferenceCachingAllocator} (not the
 *       estimator's fast allocator) reserves what the estimate says, phase by phase: the plan the runner receives
 *       is the one the estimate was computed from, and the fast allocator agrees with the reference on it;</li>
 *   <li>a measurement on the CPU twin plans the request filled with the CPU card, once, and records that request;</li>
 *   <li>the plain replay's live-byte counter (the runner's bookkeeping: the plan's requested bytes) stays within
 *       torch's 512-byte block rounding below the estimate's live tensors (its allocated level less the unsplit
 *       block remainders torch counts too).</li>
 * </ul>
 */
class ReplayMatchesEstimateTest {
    private static final long BLOCK = 512;

    @TempDir
    Path tmp;

    private final RunConfig request = new RequestJson(GpuPresetsJson.load()).parse("{\"model\":\"gpt2\","
            + "\"model_overrides\":{\"n_layer\":1,\"n_embd\":256,\"n_head\":4,\"vocab_size\":4096},"
            + "\"precision\":\"fp32\",\"batch\":1,\"seq\":64}");
    private final Inventory inventory = new ModelLoader().load(request.model(), request.modelOverrides());
    private final Estimate estimate = new Estimator().estimate(inventory, request);
    private final AllocationPlan plan = new Estimator().plan(inventory, request);

    private Profile replay(dev.gpumem.measure.Runner runner) throws InterruptedException {
        return new MeasurementSession(new RssProbe(), new MeasurementSession.Setup("test", "unknown", "host", request,
                null, 200, null)).run(runner).profile();
    }

    private PhaseEstimate estimated(String phase) {
        return estimate.phases().stream().filter(p -> p.phase().wire().equals(phase)).findFirst().orElseThrow();
    }

    @Test
    void thePlanReplayedThroughTheReferenceAllocatorReservesWhatTheEstimateSays() throws Exception {
        Profile p = replay(ReplayRunner.caching(plan, new HostMemory(-1),
                dev.gpumem.estimate.alloc.ReferenceCachingAllocator::new));
        List<PhaseReading> phases = p.phases();
        assertTrue(phases.size() >= 5, phases.toString());
        for (PhaseReading r : phases) {
            assertEquals(estimated(r.phase()).reserved(), r.peakReserved(), r.phase() + " reserved");
        }
    }

    @Test
    void aMeasurementOnTheCpuTwinPlansTheRequestFilledWithTheCpuAndRecordsIt() throws Exception {
        List<RunConfig> planned = new ArrayList<>();
        MeasureSpec spec = new MeasureSpec(RunnerKind.REPLAY_CCA, request, inventory, r -> {
            planned.add(r);
            return new Estimator().plan(inventory, r);
        }, GpuPresetsJson.load(), PytorchCachingAllocator::new, List.of(), null, true, -1, 200, null,
                tmp);
        Profile p = Measurements.run(spec, new MeasurementSession.Setup("test", "unknown", "host", request, null, 200,
                null), notice -> { }).measurement().profile();

        DeviceInfo host = p.provenance().device();
        GpuSpec cpu = new GpuSpec(host.name(), host.totalBytes(), GpuArch.CPU);
        assertEquals(List.of(request.withGpu(cpu)), planned, "planned once, with the CPU twin as the card");
        assertEquals(request.withGpu(cpu), p.request(), "the profile records the filled request");
        assertTrue(p.phases().size() >= 5, p.phases().toString());
        Estimate filled = new Estimator().estimate(inventory, p.request());
        for (PhaseEstimate e : filled.phases()) {
            // the CPU twin has no CUDA context and no cuBLAS workspace (DeviceDefaults): device = reserved
            assertEquals(e.reserved(), e.device(), e.phase().wire() + " device");
        }
    }

    @Test
    void plainReplaysLiveByteCounterStaysWithinBlockRoundingOfTheEstimate() throws Exception {
        Profile p = replay(ReplayRunner.direct(plan, new HostMemory(-1)));
        for (PhaseReading r : p.phases()) {
            PhaseEstimate pe = estimated(r.phase());
            // the estimate's live tensors: torch's allocated figure less the unsplit block remainders
            long est = pe.allocated() - pe.terms().stream()
                    .filter(t -> t.name().equals("allocator.unsplit_remainders")).mapToLong(t -> t.bytes()).sum();
            long live = plan.events().stream().filter(e -> e instanceof dev.gpumem.estimate.plan.PlanEvent.Alloc)
                    .count();
            // each live tensor rounds up by less than one 512-byte block
            assertTrue(r.peakAllocated() <= est && est - r.peakAllocated() < live * BLOCK,
                    r.phase() + ": replay " + r.peakAllocated() + " vs estimate " + est);
        }
    }
}
