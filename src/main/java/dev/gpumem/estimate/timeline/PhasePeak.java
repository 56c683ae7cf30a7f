package dev.gpumem.estimate.timeline;

import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.Term;
import java.util.List;

/**
 * The simulated peak of one phase.
 *
 * @param phase     the phase
 * @param allocated live tensor bytes at the peak moment, each tensor rounded up to 512 B
 * @param reserved  caching-allocator segment bytes at the end of the phase (reserve follows the running peak)
 * @param terms     the live tensors at the peak moment, one term per kind (they sum to {@code allocated})
 */
public record PhasePeak(Phase phase, long allocated, long reserved, List<Term> terms) {
    public PhasePeak {
        terms = List.copyOf(terms);
    }
}
