package dev.gpumem.estimate.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.Term;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The allocated level is torch's max_memory_allocated: the blocks handed out, where a large-pool block whose
 * remainder is at most 1 MiB is not split and counts whole (c10/cuda/CUDACachingAllocator.cpp should_split,
 * kSmallSize = 1 MiB; malloc adds block->size to allocated_bytes). Golden numbers by hand.
 */
class AllocatedLevelCountsWholeBlocksTest {
    private static final long MIB = 1L << 20;

    private static TensorKind kind(String name, long bytes) {
        return new TensorKind(name, Component.ACTIVATIONS, Source.GPUMEM_ASSUMPTION, "n B", Long.toString(bytes), bytes);
    }

    private static long term(PhasePeak p, String name) {
        return p.terms().stream().filter(t -> t.name().equals(name)).mapToLong(Term::bytes).sum();
    }

    @Test
    void aLargeBlockWithASmallRemainderCountsWhole() {
        Timeline t = new Timeline();
        t.phase(Phase.FORWARD);
        // 6 MiB: a new 20 MiB segment (kLargeBuffer, request < 10 MiB), split: 14 MiB remainder > 1 MiB
        t.alloc(kind("a", 6 * MIB));
        // 13.5 MiB: best fit is the 14 MiB remainder; 0.5 MiB left <= 1 MiB, not split: 14 MiB counted
        t.alloc(kind("b", 27 * MIB / 2));
        // 1000 B: rounded to 1024 B in a new 2 MiB small segment, split (remainder >= 512 B)
        t.alloc(kind("c", 1000));
        PhasePeak p = TimelineSimulation.run(t, 1).get(0);

        assertEquals(6 * MIB + 14 * MIB + 1024, p.allocated());
        assertEquals(MIB / 2, term(p, "allocator.unsplit_remainders"));
        assertEquals(27 * MIB / 2, term(p, "b"));
        assertEquals(p.allocated(), p.terms().stream().mapToLong(Term::bytes).sum());
        assertEquals(22 * MIB, p.reserved());
    }

    @Test
    void splitBlocksCountOnlyTheirRoundedRequests() {
        Timeline t = new Timeline();
        t.phase(Phase.FORWARD);
        // 12 MiB + 1 B: rounded to 12 MiB + 512 B, a 14 MiB segment (>= 10 MiB: rounded to 2 MiB), remainder
        // 2 MiB - 512 B > 1 MiB: split
        t.alloc(kind("a", 12 * MIB + 1));
        List<PhasePeak> peaks = TimelineSimulation.run(t, 1);
        PhasePeak p = peaks.get(0);

        assertEquals(12 * MIB + 512, p.allocated());
        assertEquals(0, term(p, "allocator.unsplit_remainders"));
        assertEquals(14 * MIB, p.reserved());
    }
}
