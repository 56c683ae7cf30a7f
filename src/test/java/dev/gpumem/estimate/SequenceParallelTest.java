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
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Sequence parallelism through the whole step (Korthikanti et al. 2022, §4.2.2; Megatron --sequence-parallel). */
class SequenceParallelTest {
    private final Estimator estimator = new Estimator();

    @Test
    void sequenceParallelismNeverIncreasesMemory() {
        List<Inventory> models = List.of(TinyModels.inventory(TinyModels.llama(256, 8, 8, 4, 32, 704, 1000)),
                TinyModels.inventory(TinyModels.llama(512, 4, 8, 8, 64, 1376, 2000)),
                TinyModels.inventory(TinyModels.llama(128, 12, 4, 2, 32, 352, 500)));
        int cases = 0;
        for (Inventory inv : models) {
            for (int tp : new int[] {2, 4}) {
                for (int batch : new int[] {1, 4}) {
                    for (int seq : new int[] {64, 512}) {
                        for (Precision p : new Precision[] {Precision.BF16, Precision.AMP_BF16}) {
                            for (Checkpointing ck : new Checkpointing[] {Checkpointing.NONE, Checkpointing.FULL}) {
                                RunConfig off = config(p, batch, seq, ck, new Parallel(1, 0, tp, 1));
                                RunConfig on = config(p, batch, seq, ck,
                                        new Parallel(1, 0, tp, 1, SequenceParallel.ON));
                                Estimate a = estimator.estimate(inv, off);
                                Estimate b = estimator.estimate(inv, on);
                                String what = inv.architecture().hiddenSize() + " tp " + tp + " b " + batch + " s "
                                        + seq + " " + p + " " + ck;
                                for (Level level : Level.values()) {
                                    assertTrue(b.peak(level).level(level) <= a.peak(level).level(level),
                                            what + " " + level + ": " + b.peak(level).level(level) + " > "
                                                    + a.peak(level).level(level));
                                }
                                long actOff = a.phase(Phase.LOSS).components().getOrDefault(Component.ACTIVATIONS, 0L);
                                long actOn = b.phase(Phase.LOSS).components().getOrDefault(Component.ACTIVATIONS, 0L);
                                assertTrue(actOn < actOff, what + ": held activations " + actOn + " >= " + actOff);
                                cases++;
                            }
                        }
                    }
                }
            }
        }
        assertEquals(3 * 2 * 2 * 2 * 2 * 2, cases);
    }

    @Test
    void parametersAndStatesDoNotChange() {
        Inventory inv = TinyModels.inventory(TinyModels.llama(256, 8, 8, 4, 32, 704, 1000));
        Estimate off = estimator.estimate(inv, config(Precision.BF16, 2, 128, Checkpointing.NONE,
                new Parallel(1, 0, 4, 1)));
        Estimate on = estimator.estimate(inv, config(Precision.BF16, 2, 128, Checkpointing.NONE,
                new Parallel(1, 0, 4, 1, SequenceParallel.ON)));
        Map<Component, Long> a = off.phase(Phase.LOAD).components();
        Map<Component, Long> b = on.phase(Phase.LOAD).components();
        assertEquals(a, b);
    }

    @Test
    void sequenceParallelismWithoutTensorParallelismIsBadInput() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> new Parallel(2, 0, 1, 1, SequenceParallel.ON));
        assertTrue(e.getMessage().startsWith("parallel.sequence_parallel:"), e.getMessage());
    }

    @Test
    void aSequenceThatDoesNotDivideByTIsBadInput() {
        Inventory inv = TinyModels.inventory(TinyModels.llama(256, 8, 8, 4, 32, 704, 1000));
        BadInputException e = assertThrows(BadInputException.class, () -> estimator.estimate(inv,
                config(Precision.BF16, 1, 66, Checkpointing.NONE, new Parallel(1, 0, 4, 1, SequenceParallel.ON))));
        assertTrue(e.getMessage().startsWith("parallel.sequence_parallel:"), e.getMessage());
    }

    @Test
    void torchtitanSplitsTheSequenceWheneverItRunsTensorParallelAndMegatronOnlyWhenAsked() {
        Parallel tp2 = new Parallel(1, 0, 2, 1);
        assertEquals(SequenceParallel.ON, resolved(Framework.TORCHTITAN, FrameworkSettings.Stated.NOTHING, tp2));
        assertEquals(SequenceParallel.OFF, resolved(Framework.TORCHTITAN, FrameworkSettings.Stated.NOTHING,
                new Parallel(2, 0, 1, 1)));
        assertEquals(SequenceParallel.OFF, resolved(Framework.MEGATRON, FrameworkSettings.Stated.NOTHING, tp2));
        assertEquals(SequenceParallel.OFF, resolved(Framework.HF, FrameworkSettings.Stated.NOTHING, tp2));
        // a stated value beats the framework's default
        FrameworkSettings.Stated off = new FrameworkSettings.Stated(null, null, null, null, null, null, null, null,
                null, null, SequenceParallel.OFF);
        assertEquals(SequenceParallel.OFF, resolved(Framework.TORCHTITAN, off, tp2));
        FrameworkSettings.Stated on = new FrameworkSettings.Stated(null, null, null, null, null, null, null, null,
                null, null, SequenceParallel.ON);
        assertEquals(SequenceParallel.ON, resolved(Framework.MEGATRON, on, tp2.withSequence(SequenceParallel.ON)));
    }

    private static SequenceParallel resolved(Framework fw, FrameworkSettings.Stated stated, Parallel p) {
        return FrameworkSettings.resolve(fw, stated, Precision.AMP_BF16, Optimizer.ADAMW,
                RunConfig.FinetuneMethod.FULL, p, Set.of()).parallel().sequence();
    }

    private static RunConfig config(Precision p, int batch, int seq, Checkpointing ck, Parallel parallel) {
        RunConfig c = RunConfig.training("tiny", p, Optimizer.ADAMW, batch, seq);
        return new RunConfig(c.id(), c.model(), c.modelOverrides(), c.task(), c.precision(), c.masterWeights(),
                c.optimizer(), batch, seq, 1, ck, AttentionKernel.SDPA, c.finetune(), parallel, Set.of(),
                c.inference(), null, c.compat());
    }
}
