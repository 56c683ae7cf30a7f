package dev.gpumem.estimate;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Predicted memory at the peak moment of one phase, at the three levels.
 * The identities allocated = Σ terms, allocated ≤ reserved ≤ device are checked where the numbers are made.
 *
 * @param phase     the phase
 * @param allocated torch.cuda.max_memory_allocated of the phase: the blocks handed out at its peak (live tensors
 *                  rounded to 512 B, plus unsplit remainders of large blocks, term allocator.unsplit_remainders)
 * @param reserved  caching-allocator segment bytes at that moment (reserve follows the running peak)
 * @param device    reserved + CUDA context + memory outside the allocator, as NVML would show for the process
 * @param terms     the live tensors at the peak moment, one named addend each (their sum is {@code allocated})
 */
public record PhaseEstimate(Phase phase, long allocated, long reserved, long device, List<Term> terms) {
    public PhaseEstimate {
        Objects.requireNonNull(phase, "phase");
        terms = List.copyOf(terms);
        long sum = 0;
        for (Term t : terms) {
            sum = Math.addExact(sum, t.bytes());
        }
        if (sum != allocated) {
            throw new IllegalArgumentException("phase " + phase.wire() + ": terms sum to " + sum
                    + " B but allocated is " + allocated + " B");
        }
        if (allocated > reserved || reserved > device) {
            throw new IllegalArgumentException("phase " + phase.wire() + ": levels out of order: allocated "
                    + allocated + ", reserved " + reserved + ", device " + device);
        }
    }

    public long level(Level level) {
        return switch (level) {
            case ALLOCATED -> allocated;
            case RESERVED -> reserved;
            case DEVICE -> device;
        };
    }

    /**
     * @return the live tensors at the phase's peak (each rounded to 512 B): {@link #allocated} without the caching
     *         allocator's unsplit block remainders, which is what a host holds where every tensor is its own
     *         allocation (the CPU twin)
     */
    public long liveTensors() {
        long slack = 0;
        for (Term t : terms) {
            if (t.component() == Component.ALLOCATOR_SLACK) {
                slack += t.bytes();
            }
        }
        return allocated - slack;
    }

    /** @return the terms' bytes per component: the addends of {@link #allocated}, in component order */
    public Map<Component, Long> allocatedComponents() {
        Map<Component, Long> m = new EnumMap<>(Component.class);
        for (Term t : terms) {
            m.merge(t.component(), t.bytes(), Long::sum);
        }
        return m;
    }

    /**
     * @return bytes per component: the terms grouped, plus {@code allocator_slack} = reserved − allocated and
     *         {@code context} = device − reserved
     */
    public Map<Component, Long> components() {
        Map<Component, Long> m = allocatedComponents();
        m.merge(Component.ALLOCATOR_SLACK, reserved - allocated, Long::sum);
        m.merge(Component.CONTEXT, device - reserved, Long::sum);
        return m;
    }
}
