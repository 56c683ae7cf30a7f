package dev.gpumem.estimate.timeline;

import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.alloc.PytorchCachingAllocator;
import dev.gpumem.estimate.plan.AllocationPlan;
import dev.gpumem.estimate.plan.PlanEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link Timeline} as an {@link AllocationPlan}. Each allocation requests its kind's bytes, so replaying
 * the plan through the caching allocator gives the simulated reserved level too.
 *
 * <p>Large timelines are coalesced so that a replay on a GPU stays at a few thousand cudaMalloc calls: runs of
 * consecutive allocations of one component whose frees are also one uninterrupted run (or that are never freed)
 * become one allocation of the sum of their 512-B-rounded sizes, up to {@link #MAX_COALESCED_BYTES}. That keeps
 * every phase's peak of live bytes exact (the sums are already multiples of 512 B) but changes the segment
 * geometry, so the reserved level of a coalesced replay may differ from the estimate's.
 */
public final class PlanWriter {
    /** timelines with more events than this are coalesced */
    public static final int COALESCE_ABOVE_EVENTS = 3000;
    /** upper bound on one coalesced allocation */
    public static final long MAX_COALESCED_BYTES = 1L << 30;

    private PlanWriter() {
    }

    public static AllocationPlan write(Timeline t) {
        int tensors = t.tensorCount();
        int[] allocAt = new int[tensors];
        int[] freeAt = new int[tensors];
        java.util.Arrays.fill(freeAt, -1);
        for (int e = 0; e < t.events(); e++) {
            if (t.op(e) == Timeline.ALLOC) {
                allocAt[t.arg(e)] = e;
            } else if (t.op(e) == Timeline.FREE) {
                freeAt[t.arg(e)] = e;
            }
        }
        int[] group = new int[tensors];
        long[] groupBytes = new long[tensors];
        int[] groupLastFree = new int[tensors];
        boolean[] merged = new boolean[tensors];
        boolean coalesce = t.events() > COALESCE_ABOVE_EVENTS;
        int lead = -1;
        int fmin = 0;
        int fmax = 0;
        for (int id = 0; id < tensors; id++) {
            TensorKind k = t.kindOfTensor(id);
            boolean joins = false;
            if (coalesce && lead >= 0 && allocAt[id] == allocAt[id - 1] + 1
                    && t.kindOfTensor(lead).component() == k.component()
                    && groupBytes[lead] + k.blockBytes() + PytorchCachingAllocator.MIN_BLOCK <= MAX_COALESCED_BYTES) {
                int f = freeAt[id];
                if (f < 0 && freeAt[lead] < 0) {
                    joins = true;
                } else if (f >= 0 && freeAt[lead] >= 0 && (f == fmin - 1 || f == fmax + 1)) {
                    joins = true;
                    fmin = Math.min(fmin, f);
                    fmax = Math.max(fmax, f);
                }
            }
            if (joins) {
                if (!merged[lead]) {
                    groupBytes[lead] = t.kindOfTensor(lead).blockBytes();
                    merged[lead] = true;
                }
                group[id] = lead;
                groupBytes[lead] += k.blockBytes();
                groupLastFree[lead] = fmax;
            } else {
                lead = id;
                group[id] = id;
                groupBytes[id] = k.bytes();
                fmin = freeAt[id];
                fmax = freeAt[id];
                groupLastFree[id] = fmax;
            }
        }
        List<PlanEvent> out = new ArrayList<>();
        Phase[] phases = Phase.values();
        for (int e = 0; e < t.events(); e++) {
            int a = t.arg(e);
            switch (t.op(e)) {
                case Timeline.PHASE -> out.add(new PlanEvent.PhaseStart(phases[a]));
                case Timeline.ALLOC -> {
                    if (group[a] == a) {
                        TensorKind k = t.kindOfTensor(a);
                        out.add(new PlanEvent.Alloc(a, k.name(), groupBytes[a], k.component()));
                    }
                }
                case Timeline.FREE -> {
                    int g = group[a];
                    if (groupLastFree[g] == e) {
                        out.add(new PlanEvent.Free(g));
                    }
                }
                default -> throw new IllegalStateException("unknown event");
            }
        }
        return new AllocationPlan(out);
    }
}
