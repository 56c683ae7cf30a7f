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
import dev.gpumem.estimate.RunConfig.Task;
import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Inventory;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Context parallelism (ring attention) through the whole step. */
class ContextParallelTest {
    private final Estimator estimator = new Estimator();
    private static final Inventory MODEL = TinyModels.inventory(TinyModels.llama(256, 8, 8, 4, 32, 704, 1000));

    @Test
    void moreContextRanksHoldFewerActivationsAndNeverMoreMemory() {
        for (int seq : new int[] {256, 2048}) {
            for (Checkpointing ck : new Checkpointing[] {Checkpointing.NONE, Checkpointing.FULL}) {
                long lastActs = Long.MAX_VALUE;
                long lastPeak = Long.MAX_VALUE;
                for (int cp : new int[] {1, 2, 4, 8}) {
                    Estimate e = estimator.estimate(MODEL, config(seq, ck, new Parallel(1, 0, 1, 1,
                            SequenceParallel.OFF, cp), AttentionKernel.SDPA, Task.TRAIN));
                    long acts = e.phase(Phase.LOSS).components().getOrDefault(Component.ACTIVATIONS, 0L);
                    long peak = e.peak(Level.ALLOCATED).level(Level.ALLOCATED);
                    String what = "s " + seq + " " + ck + " cp " + cp;
                    assertTrue(acts < lastActs, what + ": " + acts + " >= " + lastActs);
                    assertTrue(peak <= lastPeak, what + ": peak " + peak + " > " + lastPeak);
                    lastActs = acts;
                    lastPeak = peak;
                }
            }
        }
    }

    @Test
    void weightsAndStatesAreReplicatedOverCpWithoutZero() {
        Estimate one = estimator.estimate(MODEL, config(512, Checkpointing.NONE, new Parallel(1, 0, 1, 1),
                AttentionKernel.SDPA, Task.TRAIN));
        Estimate four = estimator.estimate(MODEL, config(512, Checkpointing.NONE,
                new Parallel(1, 0, 1, 1, SequenceParallel.OFF, 4), AttentionKernel.SDPA, Task.TRAIN));
        assertEquals(one.phase(Phase.LOAD).components(), four.phase(Phase.LOAD).components());
        for (Component c : List.of(Component.GRADIENTS, Component.OPTIMIZER_STATES)) {
            assertEquals(one.phase(Phase.OPTIMIZER_STEP).components().get(c),
                    four.phase(Phase.OPTIMIZER_STEP).components().get(c), c.toString());
        }
    }

    @Test
    void zeroShardsOverDataTimesContextRanks() {
        // torchtitan's dp_shard_cp mesh: FSDP over 2 data x 2 context ranks holds what FSDP over 4 data ranks does
        Estimate dpcp = estimator.estimate(MODEL, config(512, Checkpointing.NONE,
                new Parallel(2, 3, 1, 1, SequenceParallel.OFF, 2), AttentionKernel.SDPA, Task.TRAIN));
        Estimate dp4 = estimator.estimate(MODEL, config(512, Checkpointing.NONE, new Parallel(4, 3, 1, 1),
                AttentionKernel.SDPA, Task.TRAIN));
        assertEquals(dp4.phase(Phase.LOAD).components(), dpcp.phase(Phase.LOAD).components());
        assertEquals(dp4.phase(Phase.OPTIMIZER_STEP).components().get(Component.OPTIMIZER_STATES),
                dpcp.phase(Phase.OPTIMIZER_STEP).components().get(Component.OPTIMIZER_STATES));
    }

    @Test
    void unsupportedContextParallelRequestsAreBadInput() {
        Parallel cp2 = new Parallel(1, 0, 1, 1, SequenceParallel.OFF, 2);
        for (RunConfig c : List.of(config(510, Checkpointing.NONE, cp2, AttentionKernel.SDPA, Task.TRAIN),
                config(512, Checkpointing.NONE, cp2, AttentionKernel.EAGER, Task.TRAIN),
                config(512, Checkpointing.NONE, cp2, AttentionKernel.SDPA, Task.INFERENCE))) {
            BadInputException e = assertThrows(BadInputException.class, () -> estimator.estimate(MODEL, c));
            assertTrue(e.getMessage().startsWith("parallel.context:"), e.getMessage());
        }
        BadInputException zero = assertThrows(BadInputException.class,
                () -> new Parallel(1, 0, 1, 1, SequenceParallel.OFF, 0));
        assertTrue(zero.getMessage().startsWith("parallel.context:"), zero.getMessage());
    }

    private static RunConfig config(int seq, Checkpointing ck, Parallel parallel, AttentionKernel k, Task task) {
        RunConfig c = RunConfig.training("tiny", Precision.BF16, Optimizer.ADAMW, 2, seq);
        return new RunConfig(c.id(), c.model(), c.modelOverrides(), task, c.precision(), c.masterWeights(),
                task == Task.TRAIN ? c.optimizer() : Optimizer.NONE, 2, seq, 1, ck, k, c.finetune(), parallel,
                Set.of(), c.inference(), null, c.compat());
    }
}
