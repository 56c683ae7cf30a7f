package dev.gpumem.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.Phase;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RankReading;
import dev.gpumem.measure.Reading;
import dev.gpumem.measure.RunPeak;
import java.util.List;
import org.junit.jupiter.api.Test;

class RankSpreadTest {
    private static final long MIB = 1L << 20;

    private static RankReading rank(int r, long allocated) {
        Reading base = Fixtures.reading(0, 50 * MIB, 50 * MIB);
        PhaseReading load = Fixtures.measured("load", 0, 10, 50 * MIB + allocated, 50 * MIB + allocated, null, null);
        return new RankReading(r, 100 + r, base, null, List.of(load), RunPeak.of(base, List.of(load), List.of()), 2);
    }

    @Test
    void theWorstRankAndThePeakSpreadAreReported() {
        Profile cpu = Fixtures.profile(Fixtures.CPU, "external", Fixtures.reading(0, 0, 0L),
                Fixtures.measured("load", 0, 10, MIB, MIB, null, null));
        Profile p = new Profile(cpu.schemaVersion(), cpu.provenance(), cpu.request(), null, cpu.baseline(), null,
                cpu.phases(), cpu.samples(), 1000, List.of(), List.of(rank(0, 100 * MIB), rank(1, 125 * MIB),
                        rank(2, 90 * MIB)));
        Comparison c = Comparison.of("p.json", p,
                Fixtures.estimate(Fixtures.phase(Phase.LOAD, 100 * MIB, 100 * MIB, 100 * MIB)));
        RankSpread s = RankSpread.of(c).orElseThrow();
        assertEquals(3, s.ranks());
        // rank 1: (100 − 125) / 125 = −20 %; rank 2: +11.1 %
        assertEquals(1, s.worst().rank());
        assertEquals(-0.2, s.worst().relativeError(), 1e-12);
        RankSpread.Spread a = s.spreads().get(Level.ALLOCATED);
        assertEquals(35 * MIB, a.bytes());
        assertEquals(1, a.maxRank());
        assertEquals(2, a.minRank());
        assertFalse(s.spreads().containsKey(Level.DEVICE), "a CPU profile has no device level");
        assertTrue(RankSpread.of(Comparison.of("q.json", cpu, c.estimate())).isEmpty());
    }
}
