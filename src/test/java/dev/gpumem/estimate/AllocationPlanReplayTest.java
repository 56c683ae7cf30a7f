package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.FinetuneMethod;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.RunConfig.RunOption;
import dev.gpumem.estimate.alloc.PytorchCachingAllocator;
import dev.gpumem.estimate.plan.AllocationPlan;
import dev.gpumem.estimate.plan.PlanEvent;
import dev.gpumem.model.Inventory;
import dev.gpumem.units.DType;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Replaying a plan through an empty allocator reproduces every phase's allocated level (torch's figure: the blocks
 * handed out, unsplit remainders included). A coalesced plan keeps the live bytes: its live peak lies between the
 * estimate's live tensors at the peak (allocated less the unsplit remainders) and its allocated level.
 */
class AllocationPlanReplayTest {
    private final Estimator estimator = new Estimator();

    /** Per phase, the highest sum of live allocations (each rounded up to 512 B), phase start included. */
    static Map<Phase, Long> replayPeaks(AllocationPlan plan) {
        Map<Phase, Long> peaks = new EnumMap<>(Phase.class);
        Map<Integer, Long> live = new HashMap<>();
        long current = 0;
        Phase phase = null;
        for (PlanEvent e : plan.events()) {
            if (e instanceof PlanEvent.PhaseStart ps) {
                phase = ps.phase();
                peaks.merge(phase, current, Math::max);
            } else if (e instanceof PlanEvent.Alloc a) {
                long b = PytorchCachingAllocator.roundSize(a.bytes());
                if (live.put(a.id(), b) != null) {
                    throw new AssertionError("id allocated twice: " + a.id());
                }
                current += b;
                peaks.merge(phase, current, Math::max);
            } else if (e instanceof PlanEvent.Free f) {
                Long b = live.remove(f.id());
                if (b == null) {
                    throw new AssertionError("free of an id that is not live: " + f.id());
                }
                current -= b;
            }
        }
        return peaks;
    }

    /** Per phase, the highest allocated figure of the plan replayed through the caching-allocator model. */
    static Map<Phase, Long> countedPeaks(AllocationPlan plan) {
        Map<Phase, Long> peaks = new EnumMap<>(Phase.class);
        Map<Integer, Long> blocks = new HashMap<>();
        PytorchCachingAllocator allocator = PytorchCachingAllocator.unbounded();
        Phase phase = null;
        for (PlanEvent e : plan.events()) {
            if (e instanceof PlanEvent.PhaseStart ps) {
                phase = ps.phase();
                peaks.merge(phase, allocator.allocated(), Math::max);
            } else if (e instanceof PlanEvent.Alloc a) {
                blocks.put(a.id(), allocator.malloc(a.bytes()));
                peaks.merge(phase, allocator.allocated(), Math::max);
            } else if (e instanceof PlanEvent.Free f) {
                allocator.free(blocks.remove(f.id()));
            }
        }
        return peaks;
    }

    private static long unsplit(PhaseEstimate p) {
        return p.terms().stream().filter(t -> t.name().equals("allocator.unsplit_remainders"))
                .mapToLong(dev.gpumem.estimate.Term::bytes).sum();
    }

    /** Whether the plan is the simulated timeline event for event, or coalesced (same live bytes, other blocks). */
    private enum PlanKind { AS_SIMULATED, COALESCED }

    private void assertReplayMatches(Inventory inv, RunConfig cfg) {
        assertReplayMatches(inv, cfg, PlanKind.AS_SIMULATED);
    }

    private void assertReplayMatches(Inventory inv, RunConfig cfg, PlanKind kind) {
        Estimate est = estimator.estimate(inv, cfg);
        AllocationPlan plan = estimator.plan(inv, cfg);
        Map<Phase, Long> live = replayPeaks(plan);
        Map<Phase, Long> counted = countedPeaks(plan);
        assertEquals(est.phases().size(), live.size());
        for (PhaseEstimate p : est.phases()) {
            String w = p.phase().wire();
            long l = live.get(p.phase());
            assertTrue(p.allocated() - unsplit(p) <= l && l <= p.allocated(), w + ": live peak " + l
                    + " outside [" + (p.allocated() - unsplit(p)) + ", " + p.allocated() + "]");
            if (kind == PlanKind.AS_SIMULATED) {
                assertEquals(p.allocated(), counted.get(p.phase()), w);
            }
        }
    }


    @Test
    void replayOfATrainingPlanReproducesEveryPhase() {
        Finetune lora = new Finetune(FinetuneMethod.LORA, 4, 8, List.of("q_proj", "v_proj"), null);
        assertReplayMatches(TinyModels.tiny(), EstimatorPropertiesTest.train(Precision.AMP_BF16, 2, 32,
                Checkpointing.NONE, AttentionKernel.SDPA));
        assertReplayMatches(TinyModels.tiny(), EstimatorPropertiesTest.train(Precision.BF16, Optimizer.ADAMW, 2, 32,
                Checkpointing.FULL, AttentionKernel.EAGER, lora, Parallel.SINGLE, Set.of(RunOption.CHUNKED_LOSS), 2));
        assertReplayMatches(TinyModels.tiny(), EstimatorPropertiesTest.train(Precision.FP32, Optimizer.LION, 1, 64,
                Checkpointing.SELECTIVE, AttentionKernel.EAGER, Finetune.FULL, new Parallel(4, 3, 1, 1),
                Set.of(RunOption.ACTIVATION_OFFLOADING), 1));
        assertReplayMatches(TinyModels.tiny(), EstimatorPropertiesTest.train(Precision.AMP_FP16, Optimizer.ADAFACTOR,
                2, 32, Checkpointing.FULL, AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE,
                Set.of(RunOption.ACTIVATION_OFFLOADING, RunOption.COMPILE), 2));
    }

    @Test
    void replayOfAnInferencePlanReproducesEveryPhase() {
        assertReplayMatches(TinyModels.tiny(), EstimatorPropertiesTest.infer(2, 16, 48, DType.BF16));
    }

    @Test
    void largePlansAreCoalescedAndStillReproduceEveryPhase() {
        Inventory inv = TinyModels.llama8b();
        RunConfig cfg = EstimatorPropertiesTest.train(Precision.AMP_BF16, 1, 64, Checkpointing.NONE,
                AttentionKernel.SDPA);
        AllocationPlan plan = estimator.plan(inv, cfg);
        long allocs = plan.events().stream().filter(e -> e instanceof PlanEvent.Alloc).count();
        assertTrue(allocs < 5000, "allocations in the plan: " + allocs);
        assertReplayMatches(inv, cfg, PlanKind.COALESCED);
    }

    @Test
    void planStartsWithLoad() {
        AllocationPlan plan = estimator.plan(TinyModels.tiny(), EstimatorPropertiesTest.train(Precision.FP32, 1, 8,
                Checkpointing.NONE, AttentionKernel.SDPA));
        assertEquals(new PlanEvent.PhaseStart(Phase.LOAD), plan.events().get(0));
    }
}
