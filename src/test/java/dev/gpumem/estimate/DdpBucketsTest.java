package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * torch DistributedDataParallel (data parallel without ZeRO) keeps flat gradient buckets beside the gradients
 * unless gradient_as_bucket_view is set. Expected bytes from the published Llama-3.2-1B parameter count
 * (1,235,814,400, meta-llama/Llama-3.2-1B) and 4 B fp32 gradients under amp.
 */
class DdpBucketsTest {
    private static final long LLAMA_32_1B = 1_235_814_400L;
    private static final Parallel DDP8 = new Parallel(8, 0, 1, 1);
    private final Estimator estimator = new Estimator();
    private final Inventory llama = new ModelLoader().load("llama-3.2-1b", Map.of());

    private Estimate train(Parallel par, Finetune ft, Set<RunOption> options) {
        return estimator.estimate(llama, new RunConfig("t", "llama-3.2-1b", Map.of(), RunConfig.Task.TRAIN,
                Precision.AMP_BF16, false, Optimizer.ADAMW, 1, 256, 1, Checkpointing.NONE, AttentionKernel.SDPA, ft,
                par, options, RunConfig.Inference.defaults(256), null, RunConfig.Compat.NONE));
    }

    private static long term(PhaseEstimate p, String name) {
        return p.terms().stream().filter(t -> t.name().equals(name)).mapToLong(Term::bytes).sum();
    }

    @Test
    void plainDdpHoldsOneMoreCopyOfTheGradientsFromLoadOn() {
        Estimate one = train(Parallel.SINGLE, Finetune.FULL, Set.of());
        Estimate ddp = train(DDP8, Finetune.FULL, Set.of());
        long bucket = 4 * LLAMA_32_1B;                                   // 4,943,257,600 B, a multiple of 512
        assertEquals(bucket, term(ddp.phase(Phase.LOAD), "gradients.ddp_bucket"));
        assertEquals(bucket, ddp.phase(Phase.LOAD).allocated() - one.phase(Phase.LOAD).allocated());
        assertEquals(bucket, ddp.phase(Phase.OPTIMIZER_STEP).allocated()
                - one.phase(Phase.OPTIMIZER_STEP).allocated());
        for (PhaseEstimate p : ddp.phases()) {
            assertEquals(bucket, term(p, "gradients.ddp_bucket"), p.phase().toString());
        }
    }

    @Test
    void bucketViewsHoldTheGradientsThemselves() {
        Estimate one = train(Parallel.SINGLE, Finetune.FULL, Set.of());
        Estimate view = train(DDP8, Finetune.FULL, Set.of(RunOption.DDP_BUCKET_VIEW));
        // at the optimizer step the bucket stands where the separate gradients stood: the same bytes
        assertEquals(one.phase(Phase.OPTIMIZER_STEP).allocated(), view.phase(Phase.OPTIMIZER_STEP).allocated());
        long gradientsBesideTheBucket = view.phase(Phase.OPTIMIZER_STEP).terms().stream()
                .filter(t -> t.component() == Component.GRADIENTS && !t.name().equals("gradients.ddp_bucket"))
                .mapToLong(Term::bytes).sum();
        assertEquals(0, gradientsBesideTheBucket);
        assertTrue(one.phase(Phase.OPTIMIZER_STEP).terms().stream()
                .anyMatch(t -> t.component() == Component.GRADIENTS), "the single-GPU run has gradient terms");
        assertEquals(4 * LLAMA_32_1B, view.phase(Phase.LOAD).allocated() - one.phase(Phase.LOAD).allocated());
    }

    @Test
    void loraBucketsHoldOnlyTheAdapterGradients() {
        Finetune lora = new Finetune(FinetuneMethod.LORA, 8, 16, List.of("q_proj", "v_proj"), null);
        Estimate ddp = train(DDP8, lora, Set.of());
        long bucket = term(ddp.phase(Phase.LOAD), "gradients.ddp_bucket");
        // q_proj 2048 → 2048 and v_proj 2048 → 512 (8 kv heads · 64): rank 8 A and B per layer, 16 layers, fp32
        long adapters = 16L * 8 * ((2048 + 2048) + (2048 + 512));
        assertEquals(adapters * 4, bucket);
        assertEquals(adapters, ddp.trainableParams());
    }

    @Test
    void shardedOrSingleRunsHaveNoBucket() {
        for (Parallel p : new Parallel[] {Parallel.SINGLE, new Parallel(8, 1, 1, 1), new Parallel(8, 3, 1, 1),
                new Parallel(2, 0, 2, 1)}) {
            Estimate e = train(p, Finetune.FULL, Set.of());
            assertTrue(e.phases().stream().allMatch(ph -> term(ph, "gradients.ddp_bucket") == 0), p.toString());
        }
    }

    @Test
    void bucketViewOutsidePlainDdpIsABadRequest() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> train(new Parallel(8, 2, 1, 1), Finetune.FULL, Set.of(RunOption.DDP_BUCKET_VIEW)));
        assertTrue(e.getMessage().startsWith("options: ddp_bucket_view applies to"), e.getMessage());
    }

    @Test
    void optimizerInBackwardWithBucketViewsKeepsOnlyTheBucketAsGradients() {
        // issue 10: this combination was a NullPointerException (the bucket-view gradient has no .grad of its own)
        Estimate both = train(DDP8, Finetune.FULL, Set.of(RunOption.DDP_BUCKET_VIEW, RunOption.OPTIMIZER_IN_BACKWARD));
        PhaseEstimate step = both.phase(Phase.OPTIMIZER_STEP);
        long gradients = step.terms().stream().filter(t -> t.component() == Component.GRADIENTS)
                .mapToLong(Term::bytes).sum();
        assertEquals(4 * LLAMA_32_1B, gradients);                       // the fp32 bucket, nothing beside it
        assertEquals(4 * LLAMA_32_1B, term(step, "gradients.ddp_bucket"));
        long states = step.terms().stream().filter(t -> t.component() == Component.OPTIMIZER_STATES)
                .mapToLong(Term::bytes).sum();
        assertEquals(2 * 4 * LLAMA_32_1B, states);                      // AdamW exp_avg and exp_avg_sq, fp32
        Estimate inBackward = train(DDP8, Finetune.FULL, Set.of(RunOption.OPTIMIZER_IN_BACKWARD));
        assertTrue(both.peak(Level.ALLOCATED).allocated() <= inBackward.peak(Level.ALLOCATED).allocated(),
                "bucket views never add bytes");
    }
}
