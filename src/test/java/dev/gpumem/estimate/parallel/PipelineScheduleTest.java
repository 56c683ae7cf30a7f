package dev.gpumem.estimate.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static dev.gpumem.estimate.parallel.PipelineSchedule.GPIPE;
import static dev.gpumem.estimate.parallel.PipelineSchedule.INTERLEAVED_1F1B;
import static dev.gpumem.estimate.parallel.PipelineSchedule.ONE_F_ONE_B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.parallel.PipelineStage.Chunk;
import dev.gpumem.estimate.parallel.PipelineStage.Unit;
import dev.gpumem.input.BadInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Units in flight per schedule and stage, from the sources' formulas: 1F1B stage s of p runs p − s − 1 warmup
 * forwards then alternates (Narayanan et al. 2021 §2.2; Megatron-LM get_pp_rank_microbatches), GPipe runs all m
 * forwards first, interleaved 1F1B runs (p − s − 1)·2 + (v − 1)·p warmup units (Megatron-LM schedules.py
 * @00611e6), capped at m·v, plus the one forward before the first backward.
 */
class PipelineScheduleTest {

    @Test
    void oneFOneBStageSHoldsPMinusSMicroBatchesAtMostM() {
        // p = 4, m = 8: stages 0..3 hold 4, 3, 2, 1
        assertEquals(4, ONE_F_ONE_B.unitsInFlight(4, 0, 8, 1));
        assertEquals(3, ONE_F_ONE_B.unitsInFlight(4, 1, 8, 1));
        assertEquals(2, ONE_F_ONE_B.unitsInFlight(4, 2, 8, 1));
        assertEquals(1, ONE_F_ONE_B.unitsInFlight(4, 3, 8, 1));
        // p = 4, m = 2: stage 0 has only 2 micro-batches to hold
        assertEquals(2, ONE_F_ONE_B.unitsInFlight(4, 0, 2, 1));
    }

    @Test
    void gpipeHoldsEveryMicroBatchOnEveryStage() {
        assertEquals(8, GPIPE.unitsInFlight(4, 0, 8, 1));
        assertEquals(8, GPIPE.unitsInFlight(4, 3, 8, 1));
    }

    @Test
    void interleavedHoldsMegatronsWarmupPlusOne() {
        // p = 4, v = 2, m = 8: stage 0: (4 − 0 − 1)·2 + (2 − 1)·4 + 1 = 6 + 4 + 1 = 11 ≤ m·v = 16
        assertEquals(11, INTERLEAVED_1F1B.unitsInFlight(4, 0, 8, 2));
        // stage 3: 0 + 4 + 1 = 5
        assertEquals(5, INTERLEAVED_1F1B.unitsInFlight(4, 3, 8, 2));
        // m = p = 4: warmup 10 ≥ m·v = 8, so every unit is in warmup (Megatron's are_all_microbatches_in_warmup)
        assertEquals(8, INTERLEAVED_1F1B.unitsInFlight(4, 0, 4, 2));
    }

    @Test
    void oneStageHoldsOneMicroBatchWhateverTheSchedule() {
        for (PipelineSchedule s : PipelineSchedule.values()) {
            assertEquals(1, s.unitsInFlight(1, 0, 8, s == INTERLEAVED_1F1B ? 2 : 1));
        }
    }

    @Test
    void gpipeHoldsAtLeastOneFOneBAndTheFirstStageAtLeastTheLast() {
        for (int p = 2; p <= 8; p++) {
            for (int m = 1; m <= 16; m++) {
                for (int s = 0; s < p; s++) {
                    assertTrue(GPIPE.unitsInFlight(p, s, m, 1) >= ONE_F_ONE_B.unitsInFlight(p, s, m, 1));
                }
                assertTrue(ONE_F_ONE_B.unitsInFlight(p, 0, m, 1) >= ONE_F_ONE_B.unitsInFlight(p, p - 1, m, 1));
            }
        }
    }

    /**
     * In block-activation units (units × blocks per chunk), interleaving holds at least as much on stage 0 as 1F1B:
     * with m ≥ p, 1F1B holds p micro-batches × L/p blocks = L; interleaved holds min(p(v + 1) − 1, m·v) units ×
     * L/(p·v) blocks: with m = p every unit is in warmup, m·v·L/(p·v) = L, the same; from m = 2p on,
     * p(v + 1) − 1 ≤ 2pv, so L·(1 + (p − 1)/(p·v)), more for every p &gt; 1 (Narayanan et al. 2021 §2.2.1: the
     * interleaved schedule keeps more activations in flight).
     */
    @Test
    void interleavingHoldsMoreBlockActivationsOnTheFirstStageThanOneFOneB() {
        for (int p = 2; p <= 8; p++) {
            for (int v = 2; v <= 4; v++) {
                int layers = p * v * 3;
                for (int m = p; m <= 4 * p; m += p) {
                    long interleaved = (long) INTERLEAVED_1F1B.unitsInFlight(p, 0, m, v) * (layers / (p * v));
                    long plain = (long) ONE_F_ONE_B.unitsInFlight(p, 0, m, 1) * (layers / p);
                    if (m == p) {
                        assertEquals(plain, interleaved, "p=" + p + " v=" + v + " m=" + m);
                    } else {
                        assertTrue(interleaved > plain, "p=" + p + " v=" + v + " m=" + m);
                    }
                }
            }
        }
    }

    @Test
    void remainderLayersGoToTheFirstStages() {
        // L = 10, p = 4: ⌊10/4⌋ = 2, 10 mod 4 = 2: stages 0, 1 get 3 blocks (0..2, 3..5), stages 2, 3 get 2 (6..7, 8..9)
        PipelineLayout l = PipelineLayout.DEFAULT;
        assertEquals(List.of(new Chunk(0, 3, true, false)), PipelineStage.of(l, 4, 0, 10, 8, LayerSplit.EVEN).chunks());
        assertEquals(List.of(new Chunk(3, 3, false, false)), PipelineStage.of(l, 4, 1, 10, 8, LayerSplit.EVEN).chunks());
        assertEquals(List.of(new Chunk(6, 2, false, false)), PipelineStage.of(l, 4, 2, 10, 8, LayerSplit.EVEN).chunks());
        assertEquals(List.of(new Chunk(8, 2, false, true)), PipelineStage.of(l, 4, 3, 10, 8, LayerSplit.EVEN).chunks());
    }

    @Test
    void torchtitansSplitCountsTheEmbeddingAndTheOutputAsLayers() {
        // L = 32, p = 4, weights 1 and 1: 34 effective layers, ⌊34/4⌋ = 8, 34 mod 4 = 2: effective 9, 9, 8, 8;
        // stage 0 gives one to the embedding (8 blocks: 0..7), stage 3 one to the output (7 blocks: 25..31)
        PipelineLayout l = PipelineLayout.DEFAULT;
        LayerSplit titan = new LayerSplit(1, 1);
        assertEquals(List.of(new Chunk(0, 8, true, false)), PipelineStage.of(l, 4, 0, 32, 8, titan).chunks());
        assertEquals(List.of(new Chunk(8, 9, false, false)), PipelineStage.of(l, 4, 1, 32, 8, titan).chunks());
        assertEquals(List.of(new Chunk(17, 8, false, false)), PipelineStage.of(l, 4, 2, 32, 8, titan).chunks());
        assertEquals(List.of(new Chunk(25, 7, false, true)), PipelineStage.of(l, 4, 3, 32, 8, titan).chunks());
        // torchtitan's own docstring example: 2 stages, 3 layers, weights 2 and 2: 7 effective, 4 and 3; 2 and 1
        assertArrayEquals(new int[] {2, 1}, new LayerSplit(2, 2).blocksPerChunk(2, 3));
        // weights 0: the even split
        assertArrayEquals(new int[] {3, 3, 2, 2}, LayerSplit.EVEN.blocksPerChunk(4, 10));
        // a weight above the layers per chunk is refused, as torchtitan refuses it
        BadInputException e = assertThrows(BadInputException.class,
                () -> new LayerSplit(3, 1).blocksPerChunk(4, 6));
        assertTrue(e.getMessage().startsWith("parallel.pipeline: "), e.getMessage());
    }

    @Test
    void interleavedStagesHoldEveryPthChunk() {
        // L = 16, p = 2, v = 2: four chunks of 4 blocks; stage 0 holds chunks 0 (0..3) and 2 (8..11), stage 1
        // chunks 1 (4..7) and 3 (12..15, with the head)
        PipelineLayout l = new PipelineLayout(INTERLEAVED_1F1B, 2, StageChoice.WORST);
        PipelineStage first = PipelineStage.of(l, 2, 0, 16, 4, LayerSplit.EVEN);
        assertEquals(List.of(new Chunk(0, 4, true, false), new Chunk(8, 4, false, false)), first.chunks());
        assertEquals(List.of(new Chunk(4, 4, false, false), new Chunk(12, 4, false, true)),
                PipelineStage.of(l, 2, 1, 16, 4, LayerSplit.EVEN).chunks());
        assertEquals(8, first.layers());
        assertEquals(5, first.localLayer(9));           // second chunk, its second block: 4 + 1
        assertEquals(-1, first.localLayer(5));          // on stage 1
        assertTrue(first.holdsEmbedding());
        assertFalse(first.holdsHead());
        // (2 − 0 − 1)·2 + (2 − 1)·2 + 1 = 5 ≤ m·v = 8
        assertEquals(5, first.inFlight());
    }

    @Test
    void interleavedForwardsFollowMegatronsScheduleTable() {
        // groups of p = 2 micro-batches, each through chunk 0 then chunk 1 (get_schedule_table)
        PipelineLayout l = new PipelineLayout(INTERLEAVED_1F1B, 2, StageChoice.WORST);
        assertEquals(List.of(new Unit(0, 0), new Unit(1, 0), new Unit(0, 1), new Unit(1, 1),
                        new Unit(2, 0), new Unit(3, 0), new Unit(2, 1), new Unit(3, 1)),
                PipelineStage.of(l, 2, 0, 16, 4, LayerSplit.EVEN).forwardOrder(4));
    }

    @Test
    void badLayoutsNameTheirField() {
        assertField("parallel.virtual_stages", () -> new PipelineLayout(ONE_F_ONE_B, 2, StageChoice.WORST));
        assertField("parallel.virtual_stages", () -> new PipelineLayout(INTERLEAVED_1F1B, 1, StageChoice.WORST));
        assertField("parallel.stage", () -> new PipelineLayout(ONE_F_ONE_B, 1, StageChoice.of(4)).check(4, 8, 8));
        assertField("parallel.stage", () -> StageChoice.parse("middle"));
        assertField("parallel.virtual_stages",
                () -> new PipelineLayout(INTERLEAVED_1F1B, 4, StageChoice.WORST).check(4, 8, 8));
        assertField("grad_accum", () -> new PipelineLayout(INTERLEAVED_1F1B, 2, StageChoice.WORST).check(2, 8, 3));
    }

    @Test
    void stageNamesResolveToIndices() {
        assertEquals(0, StageChoice.parse("first").resolve(4));
        assertEquals(3, StageChoice.parse("last").resolve(4));
        assertEquals(2, StageChoice.parse("2").resolve(4));
        assertEquals(-1, StageChoice.parse("worst").resolve(4));
    }

    private static void assertField(String field, Runnable r) {
        BadInputException e = assertThrows(BadInputException.class, r::run);
        assertTrue(e.getMessage().startsWith(field + ":"), e.getMessage());
    }
}
