package dev.gpumem.measure.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Estimator;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.alloc.PytorchCachingAllocator;
import dev.gpumem.estimate.plan.AllocationPlan;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.RequestJson;
import dev.gpumem.measure.MeasurementSession;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.host.HostMemory;
import dev.gpumem.measure.host.RssProbe;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract between the estimator and the replay: replaying the estimator's allocation plan on real (host)
 * memory through the caching-allocator model reproduces the estimate's allocated and reserved levels phase by phase,
 * and the plain replay reproduces allocated up to torch's 512-byte block rounding.
 */
class ReplayMatchesEstimateTest {
    private static final long BLOCK = 512;

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
    void cachingReplayReproducesTheEstimatesAllocatedAndReservedPerPhase() throws Exception {
        Profile p = replay(ReplayRunner.caching(plan, new HostMemory(-1), PytorchCachingAllocator::new));
        List<PhaseReading> phases = p.phases();
        assertTrue(phases.size() >= 5, phases.toString());
        for (PhaseReading r : phases) {
            assertEquals(estimated(r.phase()).allocated(), r.peakAllocated(), r.phase() + " allocated");
            assertEquals(estimated(r.phase()).reserved(), r.peakReserved(), r.phase() + " reserved");
        }
    }

    @Test
    void plainReplayReproducesAllocatedUpToBlockRounding() throws Exception {
        Profile p = replay(ReplayRunner.direct(plan, new HostMemory(-1)));
        for (PhaseReading r : p.phases()) {
            long est = estimated(r.phase()).allocated();
            long live = plan.events().stream().filter(e -> e instanceof dev.gpumem.estimate.plan.PlanEvent.Alloc)
                    .count();
            // each live tensor rounds up by less than one 512-byte block
            assertTrue(r.peakAllocated() <= est && est - r.peakAllocated() < live * BLOCK,
                    r.phase() + ": replay " + r.peakAllocated() + " vs estimate " + est);
        }
    }
}
