package dev.gpumem.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RankEnvironmentTest {
    @Test
    void torchrunsVariablesAreReadFromANulSeparatedEnvironment() {
        assertEquals(Optional.of(new RankEnvironment(3, 1, 8)),
                RankEnvironment.parse("PATH=/bin\0LOCAL_RANK=1\0RANK=3\0WORLD_SIZE=8\0"));
    }

    @Test
    void aProcessWithoutANumericRankHasNone() {
        assertTrue(RankEnvironment.parse("PATH=/bin\0LOCAL_RANK=1\0").isEmpty());
        assertTrue(RankEnvironment.parse("RANK=zero\0").isEmpty());
        // a variable that merely ends in RANK is not RANK
        assertTrue(RankEnvironment.parse("NODE_RANK=2\0").isEmpty());
    }

    @Test
    void aChildStartedWithRankInItsEnvironmentIsReadFromProc() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sleep", "5");
        pb.environment().put("RANK", "5");
        pb.environment().remove("LOCAL_RANK");
        Process p = pb.start();
        try {
            Optional<RankEnvironment> env = Optional.empty();
            for (int i = 0; i < 100 && env.isEmpty(); i++) {
                env = RankEnvironment.of(p.pid());
                Thread.sleep(20);
            }
            assertEquals(Optional.of(5), env.map(RankEnvironment::rank));
            assertEquals(Optional.empty(), env.map(RankEnvironment::localRank));
        } finally {
            p.destroy();
        }
    }

    @Test
    void nonTorchMemoryIsProcessUseMinusTorchReservedWhereBothAreKnown() {
        Reading start = new Reading(0, 0, null, null, 0L, null, null);
        // 6 GiB held by the process, 4.5 GiB of it torch's segments: 1.5 GiB context + NCCL + libraries
        Reading withBoth = new Reading(1, 0, null, null, 6L << 30, 4L << 30, (9L << 30) / 2);
        Reading noCounters = new Reading(2, 0, null, null, 6L << 30, null, null);
        List<PhaseReading> phases = List.of(
                new PhaseReading("forward", start, withBoth, 0, null, PhaseReading.PeakKind.POLLED_LOWER_BOUND, null,
                        null, 0),
                new PhaseReading("backward", start, noCounters, 0, null, PhaseReading.PeakKind.POLLED_LOWER_BOUND,
                        null, null, 0));
        assertEquals(List.of(new NonTorchMemory("forward", 3L << 29)), NonTorchMemory.of(phases));
    }
}
