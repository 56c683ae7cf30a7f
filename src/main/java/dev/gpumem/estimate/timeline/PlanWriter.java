package dev.gpumem.estimate.timeline;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.plan.AllocationPlan;
import dev.gpumem.estimate.plan.PlanEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Timeline} as an {@link AllocationPlan}. Each allocation requests its kind's bytes, so replaying
 * a small plan through the caching allocator gives the simulated reserved level too.
 *
 * <p>Large timelines are coalesced so that a replay on a GPU needs fewer cudaMalloc calls. Tensors of one
 * component that are allocated in the same run of consecutive allocations and freed in the same run of
 * consecutive frees (or never) become one allocation of the sum of their 512-B-rounded sizes, up to
 * {@link #MAX_COALESCED_BYTES}, made at the first member's allocation and freed at the last member's free. Inside
 * a run of allocations the live bytes only grow and inside a run of frees they only shrink, so every phase's peak
 * of live bytes is unchanged (the sums are already multiples of 512 B); the segment geometry, and so the reserved
 * level of the replay, may differ from the estimate's.
 */
public final class PlanWriter {
    /** timelines with more events than this are coalesced */
    public static final int COALESCE_ABOVE_EVENTS = 3000;
    /** upper bound on one coalesced allocation */
    public static final long MAX_COALESCED_BYTES = 2L << 30;

    private PlanWriter() {
    }

    public static AllocationPlan write(Timeline t) {
        int tensors = t.tensorCount();
        int events = t.events();
        int[] allocRun = new int[tensors];
        int[] freeRun = new int[tensors];
        int[] freeAt = new int[tensors];
        java.util.Arrays.fill(freeRun, -1);
        java.util.Arrays.fill(freeAt, -1);
        int run = 0;
        byte previous = -1;
        for (int e = 0; e < events; e++) {
            byte op = t.op(e);
            if (op != previous) {
                run++;
                previous = op;
            }
            if (op == Timeline.ALLOC) {
                allocRun[t.arg(e)] = run;
            } else if (op == Timeline.FREE) {
                freeRun[t.arg(e)] = run;
                freeAt[t.arg(e)] = e;
            }
        }
        int[] group = new int[tensors];
        long[] groupBytes = new long[tensors];
        int[] groupLastFree = new int[tensors];
        boolean coalesce = events > COALESCE_ABOVE_EVENTS;
        Map<Long, Integer> open = new HashMap<>();      // (free run, component) → lead, within the current alloc run
        int currentRun = -1;
        for (int id = 0; id < tensors; id++) {
            TensorKind k = t.kindOfTensor(id);
            group[id] = id;
            groupBytes[id] = k.bytes();
            groupLastFree[id] = freeAt[id];
            if (!coalesce) {
                continue;
            }
            if (allocRun[id] != currentRun) {
                open.clear();
                currentRun = allocRun[id];
            }
            long key = ((long) (freeRun[id] + 1) << 8) | k.component().ordinal();
            Integer lead = open.get(key);
            if (lead != null && groupBytes[lead] + k.blockBytes() <= MAX_COALESCED_BYTES) {
                group[id] = lead;
                groupBytes[lead] += k.blockBytes();
                groupLastFree[lead] = Math.max(groupLastFree[lead], freeAt[id]);
            } else {
                groupBytes[id] = k.blockBytes();          // a group's size is a sum of rounded blocks
                open.put(key, id);
            }
        }
        List<PlanEvent> out = new ArrayList<>();
        Phase[] phases = Phase.values();
        for (int e = 0; e < events; e++) {
            int a = t.arg(e);
            switch (t.op(e)) {
                case Timeline.PHASE -> out.add(new PlanEvent.PhaseStart(phases[a]));
                case Timeline.ALLOC -> {
                    if (group[a] == a) {
                        TensorKind k = t.kindOfTensor(a);
                        Component c = k.component();
                        out.add(new PlanEvent.Alloc(a, k.name(), groupBytes[a], c));
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
