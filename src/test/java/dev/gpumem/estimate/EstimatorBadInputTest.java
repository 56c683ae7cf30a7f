package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.FinetuneMethod;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.RunConfig.RunOption;
import dev.gpumem.units.DType;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Unsupported combinations: one sentence naming the field, as IllegalArgumentException (exit 2 in the CLI). */
class EstimatorBadInputTest {
    private final Estimator estimator = new Estimator();

    private static void assertNamesField(String field, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(field + ":"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    private RunConfig with(Precision p, Finetune ft, Parallel par, Set<RunOption> opts, int accum) {
        return EstimatorPropertiesTest.train(p, Optimizer.ADAMW, 1, 16, Checkpointing.NONE, AttentionKernel.SDPA, ft,
                par, opts, accum);
    }

    @Test
    void qloraInFp32IsRefused() {
        Finetune qlora = new Finetune(FinetuneMethod.QLORA, 8, 16, List.of("q_proj"), DType.NF4);
        assertNamesField("precision", () -> estimator.estimate(TinyModels.tiny(),
                with(Precision.FP32, qlora, Parallel.SINGLE, Set.of(), 1)));
    }

    @Test
    void morePipelineStagesThanLayersAreRefused() {
        assertNamesField("parallel.pipeline", () -> estimator.estimate(TinyModels.tiny(),
                with(Precision.BF16, Finetune.FULL, new Parallel(1, 0, 1, 3), Set.of(), 4)));
    }

    @Test
    void tensorParallelMustDivideTheHeads() {
        assertNamesField("parallel.tensor", () -> estimator.estimate(TinyModels.tiny(),
                with(Precision.BF16, Finetune.FULL, new Parallel(1, 0, 3, 1), Set.of(), 1)));
    }

    @Test
    void zeroTwoWithPipelinesIsRefused() {
        assertNamesField("parallel.zero", () -> estimator.estimate(TinyModels.tiny(),
                with(Precision.BF16, Finetune.FULL, new Parallel(2, 2, 1, 2), Set.of(), 2)));
    }

    @Test
    void unknownLoraTargetIsRefusedWithTheModulesThatExist() {
        Finetune lora = new Finetune(FinetuneMethod.LORA, 8, 16, List.of("query"), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> estimator.estimate(
                TinyModels.tiny(), with(Precision.BF16, lora, Parallel.SINGLE, Set.of(), 1)));
        assertTrue(e.getMessage().startsWith("finetune.targets:"));
        assertTrue(e.getMessage().contains("q_proj"));
    }

    @Test
    void optimizerInBackwardWithAccumulationIsRefused() {
        assertNamesField("options", () -> estimator.estimate(TinyModels.tiny(),
                with(Precision.BF16, Finetune.FULL, Parallel.SINGLE, Set.of(RunOption.OPTIMIZER_IN_BACKWARD), 2)));
    }

    @Test
    void contextShorterThanThePromptIsRefused() {
        assertNamesField("inference.context_tokens", () -> estimator.estimate(TinyModels.tiny(),
                EstimatorPropertiesTest.infer(1, 64, 32, DType.BF16)));
    }
    @Test
    void fusedOptimizerWithoutATorchFusedImplementationIsRefused() {
        assertNamesField("options", () -> estimator.estimate(TinyModels.tiny(),
                EstimatorPropertiesTest.train(Precision.BF16, Optimizer.LION, 1, 16, Checkpointing.NONE,
                        AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(RunOption.FUSED_OPTIMIZER), 1)));
    }
}
