package dev.gpumem.estimate.timeline;

import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.Term;
import java.util.List;

/**
 * The simulated peak of one phase.
 *
 * @param phase     the phase
 * @param allocated torch's allocated figure at the peak moment: the blocks handed out (each live tensor rounded up
 *                  to 512 B, plus the unsplit remainders of large blocks)
 * @param reserved  caching-allocator segment bytes at the end of the phase (reserve follows the running peak)
 * @param terms     the live tensors at the peak moment, one term per kind and the unsplit remainders (they sum to
 *                  {@code allocated})
 */
public record PhasePeak(Phase phase, long allocated, long reserved, List<Term> terms) {
    public PhasePeak {
        terms = List.copyOf(terms);
    }
}
