package dev.gpumem.measure.replay;

import dev.gpumem.estimate.alloc.CachingAllocatorModel;
import dev.gpumem.estimate.plan.AllocationPlan;
import dev.gpumem.estimate.plan.PlanEvent;
import dev.gpumem.measure.DeviceMemory;
import dev.gpumem.measure.FrameworkCounters;
import dev.gpumem.measure.RunContext;
import dev.gpumem.measure.RunEvent;
import dev.gpumem.measure.RunOutcome;
import dev.gpumem.measure.Runner;
import dev.gpumem.measure.RunnerKind;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Replays an allocation plan on a {@link DeviceMemory}, in the plan's order, marking a phase boundary at each
 * {@link PlanEvent.PhaseStart}. Every tensor (or, through the caching-allocator model, every segment) is touched
 * after allocation so the device really holds it.
 *
 * <p>It reports exact counters per phase: the live requested bytes (plain replay), or the caching-allocator
 * model's allocated and reserved (replay-cca). Running out of memory ends the run with
 * {@link RunOutcome.OutOfMemory} after the phase is closed, so the profile holds the state at the failure; then
 * everything is freed.
 */
public final class ReplayRunner implements Runner {
    private final RunnerKind kind;
    private final AllocationPlan plan;
    private final DeviceMemory memory;
    private final Function<CachingAllocatorModel.SegmentSource, CachingAllocatorModel> modelFactory;

    private ReplayRunner(RunnerKind kind, AllocationPlan plan, DeviceMemory memory,
                         Function<CachingAllocatorModel.SegmentSource, CachingAllocatorModel> modelFactory) {
        this.kind = kind;
        this.plan = Objects.requireNonNull(plan, "plan");
        this.memory = Objects.requireNonNull(memory, "memory");
        this.modelFactory = modelFactory;
    }

    /** One raw allocation per tensor. The runner owns {@code memory} and closes it. */
    public static Runner direct(AllocationPlan plan, DeviceMemory memory) {
        return new ReplayRunner(RunnerKind.REPLAY, plan, memory, null);
    }

    /**
     * Tensors through a caching-allocator model whose segments are raw allocations, so the device holds what
     * PyTorch would reserve. The runner owns {@code memory} and closes it.
     */
    public static Runner caching(AllocationPlan plan, DeviceMemory memory,
                                 Function<CachingAllocatorModel.SegmentSource, CachingAllocatorModel> modelFactory) {
        return new ReplayRunner(RunnerKind.REPLAY_CCA, plan, memory, Objects.requireNonNull(modelFactory));
    }

    @Override
    public String name() {
        return kind.wire();
    }

    @Override
    public void prepare() {
        memory.prepare();
    }

    @Override
    public RunOutcome run(RunContext ctx) {
        TensorAllocator alloc = modelFactory == null ? new DirectAllocator(memory)
                : new CachingAllocator(memory, modelFactory);
        Map<Integer, Long> live = new HashMap<>();
        String phase = null;
        try {
            for (PlanEvent ev : plan.events()) {
                java.util.Optional<String> stop = ctx.stopRequested();
                if (stop.isPresent()) {
                    memory.synchronize();
                    if (phase != null) {
                        ctx.endPhase(phase, alloc.counters());
                    }
                    return new RunOutcome.Interrupted(stop.get());
                }
                if (ev instanceof PlanEvent.PhaseStart ps) {
                    memory.synchronize();
                    if (phase != null) {
                        ctx.endPhase(phase, alloc.counters());
                    }
                    phase = ps.phase().wire();
                    alloc.resetPeaks();
                    ctx.beginPhase(phase);
                } else if (ev instanceof PlanEvent.Alloc a) {
                    if (live.containsKey(a.id())) {
                        throw new IllegalArgumentException("plan: tensor id " + a.id() + " allocated twice");
                    }
                    long handle = alloc.malloc(a.bytes());
                    if (handle == 0) {
                        long free = memory.freeBytes();
                        memory.synchronize();
                        ctx.endPhase(phase, alloc.counters());
                        ctx.event(new RunEvent(RunEvent.Kind.NOTE, phase, "allocation of " + a.name()
                                + " failed; " + live.size() + " tensors were live", a.bytes()));
                        return new RunOutcome.OutOfMemory(phase, a.bytes(), free);
                    }
                    live.put(a.id(), handle);
                } else if (ev instanceof PlanEvent.Free f) {
                    Long handle = live.remove(f.id());
                    if (handle == null) {
                        throw new IllegalArgumentException("plan: free of tensor id " + f.id()
                                + " that is not live");
                    }
                    alloc.free(handle);
                }
            }
            memory.synchronize();
            if (phase != null) {
                ctx.endPhase(phase, alloc.counters());
            }
            return new RunOutcome.Completed();
        } finally {
            try {
                for (long handle : live.values()) {
                    alloc.free(handle);
                }
                alloc.releaseAll();
            } finally {
                memory.close();
            }
        }
    }

    /** Tensor-level allocation: returns 0 when out of memory. */
    private interface TensorAllocator {
        long malloc(long bytes);

        void free(long handle);

        FrameworkCounters counters();

        void resetPeaks();

        void releaseAll();
    }

    /** One raw block per tensor; counters are the live requested bytes. */
    private static final class DirectAllocator implements TensorAllocator {
        private final DeviceMemory memory;
        private final Map<Long, Long> sizes = new HashMap<>();
        private long live;
        private long peak;

        DirectAllocator(DeviceMemory memory) {
            this.memory = memory;
        }

        @Override
        public long malloc(long bytes) {
            long h = memory.allocate(bytes);
            if (h == 0) {
                return 0;
            }
            memory.touch(h, bytes);
            sizes.put(h, bytes);
            live += bytes;
            peak = Math.max(peak, live);
            return h;
        }

        @Override
        public void free(long handle) {
            Long bytes = sizes.remove(handle);
            memory.free(handle);
            live -= bytes == null ? 0 : bytes;
        }

        @Override
        public FrameworkCounters counters() {
            return new FrameworkCounters(live, null, peak, null);
        }

        @Override
        public void resetPeaks() {
            peak = live;
        }

        @Override
        public void releaseAll() {
            // blocks are freed one by one
        }
    }

    /** Blocks from the caching-allocator model; its segments are raw blocks, touched when obtained. */
    private static final class CachingAllocator implements TensorAllocator {
        private final CachingAllocatorModel model;

        CachingAllocator(DeviceMemory memory,
                         Function<CachingAllocatorModel.SegmentSource, CachingAllocatorModel> factory) {
            this.model = factory.apply(new CachingAllocatorModel.SegmentSource() {
                @Override
                public long allocateSegment(long bytes) {
                    long h = memory.allocate(bytes);
                    if (h == 0) {
                        return -1;
                    }
                    memory.touch(h, bytes);
                    return h;
                }

                @Override
                public void freeSegment(long handle, long bytes) {
                    memory.free(handle);
                }
            });
        }

        @Override
        public long malloc(long bytes) {
            long id = model.malloc(bytes);
            // block ids are >= 0; shift by one so that 0 can mean out of memory
            return id < 0 ? 0 : id + 1;
        }

        @Override
        public void free(long handle) {
            model.free(handle - 1);
        }

        @Override
        public FrameworkCounters counters() {
            return new FrameworkCounters(model.allocated(), model.reserved(), model.peakAllocated(),
                    model.peakReserved());
        }

        @Override
        public void resetPeaks() {
            model.resetPeaks();
        }

        @Override
        public void releaseAll() {
            model.emptyCache();
        }
    }
}
