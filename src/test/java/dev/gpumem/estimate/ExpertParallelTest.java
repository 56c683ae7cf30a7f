package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.RunConfig.SequenceParallel;
import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Expert parallelism for MoE models (Megatron --expert-model-parallel-size, token_dispatcher.py @bed33f8), on
 * OLMoE-1B-7B cut to 2 layers: hidden 2048, 64 experts of inner size 1024, top-8 (its config.json).
 */
class ExpertParallelTest {
    private static final Inventory OLMOE = new ModelLoader().load("olmoe-1b-7b", Map.of("num_hidden_layers", 2));
    private final Estimator estimator = new Estimator();

    @Test
    void eachRankHoldsEOverEpOfTheRoutedExperts() {
        // routed experts: 2 layers x 64 experts x (gate, up, down) x 2048 x 1024 = 805,306,368 parameters, bf16 2 B
        // = 1,610,612,736 B; with ep 4 a rank holds 16 of 64 experts: 3/4 of that, 1,207,959,552 B, fewer
        long one = weights(new Parallel(4, 0, 1, 1));
        long four = weights(ep(4, 0, 4, OptionalDouble.empty()));
        assertEquals(1_207_959_552L, one - four);
    }

    @Test
    void zeroPartitionsTheRoutedExpertsOverTheRanksHoldingThem() {
        // data 8, ep 4: each expert lives on 8/4 = 2 ranks, ZeRO-1 halves its states: 1/4 · 1/2 = 1/8, as the dense
        // states under ZeRO-1 over 8 ranks; so the states equal those of data 8, ZeRO-1 without expert parallelism
        // (every tensor here divides by 8 exactly)
        long plain = states(new Parallel(8, 1, 1, 1));
        long withEp = states(ep(8, 1, 4, OptionalDouble.empty()));
        assertEquals(plain, withEp);
        // without ZeRO each rank holds the states of its 16 experts in full: fewer than all 64
        assertTrue(states(ep(4, 0, 4, OptionalDouble.empty())) < states(new Parallel(4, 0, 1, 1)));
    }

    @Test
    void droplessDispatchKeepsAsManyRows() {
        Estimate one = estimator.estimate(OLMOE, config(new Parallel(4, 0, 1, 1)));
        Estimate four = estimator.estimate(OLMOE, config(ep(4, 0, 4, OptionalDouble.empty())));
        // the experts keep the received rows instead of the local ones: b·s·k rows either way (balanced routing)
        assertEquals(activations(one), activations(four));
    }

    @Test
    void aCapacityFactorPadsEveryExpertToItsCapacity() {
        // b 1, s 64, k 8: 512 routed rows; factor 1: cap = ⌈512/64⌉ = 8, E·cap = 512 rows (as dropless);
        // factor 2: cap 16, 1024 rows: every routed-row tensor doubles
        long dropless = activations(estimator.estimate(OLMOE, config(ep(1, 0, 1, OptionalDouble.empty()))));
        long one = activations(estimator.estimate(OLMOE, config(ep(1, 0, 1, OptionalDouble.of(1.0)))));
        long two = activations(estimator.estimate(OLMOE, config(ep(1, 0, 1, OptionalDouble.of(2.0)))));
        assertEquals(dropless, one);
        assertTrue(two > one, two + " <= " + one);
    }

    @Test
    void impossibleExpertLayoutsAreBadInput() {
        assertBad("parallel.expert: must divide the number of experts", ep(3, 0, 3, OptionalDouble.empty()), OLMOE);
        assertBad("parallel.expert: experts are distributed over the data-parallel ranks",
                ep(2, 0, 4, OptionalDouble.empty()), OLMOE);
        assertBad("parallel.expert: needs an MoE model", ep(2, 0, 2, OptionalDouble.empty()), TinyModels.tiny());
        assertBad("parallel.capacity_factor: applies to MoE models only", ep(1, 0, 1, OptionalDouble.of(1.5)),
                TinyModels.tiny());
        BadInputException e = assertThrows(BadInputException.class, () -> ep(1, 0, 1, OptionalDouble.of(0)));
        assertTrue(e.getMessage().startsWith("parallel.capacity_factor: must be a positive number"), e.getMessage());
    }

    private void assertBad(String prefix, Parallel p, Inventory inv) {
        BadInputException e = assertThrows(BadInputException.class, () -> estimator.estimate(inv, config(p)));
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    }

    private static Parallel ep(int data, int zero, int ep, OptionalDouble capacity) {
        return new Parallel(data, zero, 1, 1, SequenceParallel.OFF, 1, ep, capacity);
    }

    private long weights(Parallel p) {
        return estimator.estimate(OLMOE, config(p)).phase(Phase.LOAD).components().get(Component.WEIGHTS);
    }

    private long states(Parallel p) {
        return estimator.estimate(OLMOE, config(p)).phase(Phase.OPTIMIZER_STEP).components()
                .get(Component.OPTIMIZER_STATES);
    }

    private static long activations(Estimate e) {
        return e.phase(Phase.LOSS).components().getOrDefault(Component.ACTIVATIONS, 0L);
    }

    private static RunConfig config(Parallel p) {
        RunConfig c = RunConfig.training("olmoe", Precision.BF16, Optimizer.ADAMW, 1, 64);
        return new RunConfig(c.id(), c.model(), c.modelOverrides(), c.task(), c.precision(), c.masterWeights(),
                c.optimizer(), 1, 64, 1, Checkpointing.NONE, AttentionKernel.SDPA, c.finetune(), p, Set.of(),
                c.inference(), null, c.compat());
    }
}
