package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Framework.Semantic;
import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Compat;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.FinetuneMethod;
import dev.gpumem.estimate.RunConfig.Inference;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.OptimizerImpl;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.RunConfig.Task;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The sharding a framework applies to data-parallel ranks when the request does not state {@code parallel.zero}.
 * Toy numbers by hand on TinyModels.tiny() (Llama: h 64, L 2, a 4, kv 2, d 16, i 128, v 100, untied; every tensor
 * rounded up to 512 B), fp32 so that only the sharding differs between fsdp1 (whose other defaults are hf's) and hf.
 */
class FrameworkShardingTest {
    private static final int GIB = 1 << 30;
    private final Estimator estimator = new Estimator();

    /** parallel.zero absent: the request's layout with zero 0, nothing stated. */
    private static FrameworkSettings.Resolved resolve(Framework fw, Task task, Parallel p, Integer statedZero) {
        FrameworkSettings.Stated stated = new FrameworkSettings.Stated(null, null, null, null, null, null, null, null,
                statedZero);
        return FrameworkSettings.resolve(fw, stated, task, Precision.AMP_BF16, Optimizer.ADAMW, FinetuneMethod.FULL,
                p, Set.of());
    }

    private static int zeroOf(Framework fw, int data, int tensor, int pipeline) {
        return resolve(fw, Task.TRAIN, new Parallel(data, 0, tensor, pipeline), null).parallel().zero();
    }

    private static RunConfig request(String model, Precision precision, Framework fw, Parallel p, Integer statedZero,
                                     int batch, int seq) {
        FrameworkSettings.Stated stated = new FrameworkSettings.Stated(null, null, null, null, null, null, null, null,
                statedZero);
        Parallel asParsed = statedZero == null ? p : new Parallel(p.data(), statedZero, p.tensor(), p.pipeline());
        FrameworkSettings.Resolved r = FrameworkSettings.resolve(fw, stated, Task.TRAIN, precision, Optimizer.ADAMW,
                FinetuneMethod.FULL, asParsed, Set.of());
        return new RunConfig("t", model, Map.of(), Task.TRAIN, precision, false, Optimizer.ADAMW, batch, seq, 1,
                r.checkpointing(), AttentionKernel.SDPA, Finetune.FULL, r.parallel(), r.options(),
                Inference.defaults(seq), null, Compat.NONE, r.settings());
    }

    private Estimate tiny(Framework fw, int data, Integer statedZero) {
        return estimator.estimate(TinyModels.tiny(), request("tiny", Precision.FP32, fw, new Parallel(data, 0, 1, 1),
                statedZero, 2, 16));
    }

    private static long component(PhaseEstimate p, Component c) {
        return p.components().getOrDefault(c, 0L);
    }

    // ------------------------------------------------------------------ which stage each framework defaults to

    /**
     * torchtitan applies FSDP2 (and its mixed precision) when its dp_shard x cp mesh has more than one rank; without
     * it, maybe_enable_amp runs torch.autocast on one rank but turns mixed precision off for tensor- or
     * pipeline-parallel runs: an amp-bf16 request then runs fp32, and says so. Other frameworks keep autocast.
     */
    @Test
    void torchtitanRunsTensorAndPipelineParallelWithoutFsdpInFp32() {
        FrameworkSettings.Resolved tp = resolve(Framework.TORCHTITAN, Task.TRAIN, new Parallel(1, 0, 2, 1), null);
        assertEquals(RunConfig.PrecisionPolicy.NONE, tp.settings().precisionPolicy());
        assertEquals(Precision.FP32, tp.precision());
        assertTrue(tp.settings().fromFramework().get(Framework.Semantic.PRECISION_POLICY).contains("fp32, not amp-bf16"));
        FrameworkSettings.Resolved pp = resolve(Framework.TORCHTITAN, Task.TRAIN, new Parallel(1, 0, 1, 2), null);
        assertEquals(Precision.FP32, pp.precision());

        FrameworkSettings.Resolved one = resolve(Framework.TORCHTITAN, Task.TRAIN, Parallel.SINGLE, null);
        assertEquals(RunConfig.PrecisionPolicy.AUTOCAST, one.settings().precisionPolicy());
        assertEquals(Precision.AMP_BF16, one.precision());
        FrameworkSettings.Resolved fsdpTp = resolve(Framework.TORCHTITAN, Task.TRAIN, new Parallel(2, 0, 2, 1), null);
        assertEquals(RunConfig.PrecisionPolicy.FSDP2_MIXED, fsdpTp.settings().precisionPolicy());
        assertEquals(Precision.AMP_BF16, fsdpTp.precision());
        FrameworkSettings.Resolved cp = resolve(Framework.TORCHTITAN, Task.TRAIN,
                new Parallel(1, 0, 2, 1, RunConfig.SequenceParallel.OFF, 2), null);
        assertEquals(RunConfig.PrecisionPolicy.FSDP2_MIXED, cp.settings().precisionPolicy());

        FrameworkSettings.Resolved megatron = resolve(Framework.MEGATRON, Task.TRAIN, new Parallel(1, 0, 2, 1), null);
        assertEquals(Precision.AMP_BF16, megatron.precision());
        assertEquals(RunConfig.PrecisionPolicy.AUTOCAST, megatron.settings().precisionPolicy());
    }

    @Test
    void fsdpFrameworksShardFullyOnSeveralDataParallelRanks() {
        for (Framework fw : new Framework[] {Framework.TORCHTITAN, Framework.TORCHTUNE, Framework.LIT_GPT,
                Framework.FSDP1}) {
            assertEquals(3, zeroOf(fw, 8, 1, 1), fw.wire());
            assertEquals(3, zeroOf(fw, 4, 2, 1), fw.wire() + " with tensor parallel (FSDP x TP)");
            assertEquals(0, zeroOf(fw, 1, 1, 1), fw.wire() + " on one rank: nothing to shard (FSDP NO_SHARD)");
        }
    }

    @Test
    void replicaFrameworksKeepZeroZero() {
        for (Framework fw : new Framework[] {Framework.HF, Framework.DEEPSPEED, Framework.MEGATRON}) {
            assertEquals(0, zeroOf(fw, 8, 1, 1), fw.wire());
        }
    }

    @Test
    void anExplicitZeroAlwaysWinsEvenZero() {
        FrameworkSettings.Resolved r = resolve(Framework.TORCHTITAN, Task.TRAIN, new Parallel(8, 0, 1, 1), 0);
        assertEquals(0, r.parallel().zero());
        assertNull(r.settings().fromFramework().get(Semantic.SHARDING));
        assertEquals(1, resolve(Framework.FSDP1, Task.TRAIN, new Parallel(8, 1, 1, 1), 1).parallel().zero());
        assertEquals(3, resolve(Framework.DEEPSPEED, Task.TRAIN, new Parallel(8, 3, 1, 1), 3).parallel().zero());
    }

    @Test
    void explainNamesTheFrameworkDefaultThatSetTheSharding() {
        FrameworkSettings.Resolved r = resolve(Framework.TORCHTITAN, Task.TRAIN, new Parallel(8, 0, 1, 1), null);
        String note = r.settings().fromFramework().get(Semantic.SHARDING);
        assertTrue(note.startsWith("parallel.zero 3"), note);
        assertTrue(note.contains("torchtitan's default") && note.contains("data_parallel_shard_degree"), note);
        assertTrue(resolve(Framework.HF, Task.TRAIN, new Parallel(8, 0, 1, 1), null).settings().fromFramework()
                .isEmpty(), "hf's defaults are the estimator's own");
    }

    @Test
    void fsdpOverPipelineStagesAndInferenceFallBackToReplicasAndSaySo() {
        FrameworkSettings.Resolved pp = resolve(Framework.TORCHTITAN, Task.TRAIN, new Parallel(8, 0, 1, 2), null);
        assertEquals(0, pp.parallel().zero());
        assertTrue(pp.settings().fromFramework().get(Semantic.SHARDING).contains("hf's, because"));
        FrameworkSettings.Resolved inf = resolve(Framework.FSDP1, Task.INFERENCE, new Parallel(8, 0, 1, 1), null);
        assertEquals(0, inf.parallel().zero());
        assertTrue(inf.settings().fromFramework().get(Semantic.SHARDING).contains("inference"));
    }

    @Test
    void megatronsDistributedOptimizerStillShardsStatesWhenZeroIsAbsent() {
        FrameworkSettings.Stated stated = new FrameworkSettings.Stated(null, null, null,
                OptimizerImpl.MEGATRON_DISTRIBUTED, null, null, null, null, null);
        FrameworkSettings.Resolved r = FrameworkSettings.resolve(Framework.MEGATRON, stated, Task.TRAIN,
                Precision.AMP_BF16, Optimizer.ADAMW, FinetuneMethod.FULL, new Parallel(8, 0, 1, 1), Set.of());
        assertEquals(1, r.parallel().zero());
    }

    // ------------------------------------------------------------------ hand arithmetic on the toy model

    @Test
    void fsdp1HoldsAQuarterOfEveryParameterOnFourRanks() {
        // fp32, per tensor ⌈n/4⌉·4 B rounded up to 512 B:
        //   embed_tokens, lm_head 6,400 -> 1,600·4 = 6,400 -> 6,656 each; norms 64 -> 16·4 = 64 -> 512 each;
        //   q, o 4,096 -> 4,096 B; k, v 2,048 -> 2,048 B; gate, up, down 8,192 -> 8,192 B.
        //   a layer 512 + 4,096 + 2,048 + 2,048 + 4,096 + 512 + 3·8,192 = 37,888; two layers 75,776;
        //   total 6,656 + 75,776 + 512 + 6,656 = 89,600
        long sharded = 89_600;
        // replicas: embed, lm_head 25,600; norms 256 -> 512; q, o 16,384; k, v 8,192; gate, up, down 32,768;
        //   a layer 148,480; total 25,600 + 2·148,480 + 512 + 25,600 = 348,672
        long replica = 348_672;
        Estimate fsdp1 = tiny(Framework.FSDP1, 4, null);
        Estimate hf = tiny(Framework.HF, 4, null);
        assertEquals(sharded, component(fsdp1.phase(Phase.LOAD), Component.WEIGHTS));
        assertEquals(replica, component(hf.phase(Phase.LOAD), Component.WEIGHTS));
        PhaseEstimate step = fsdp1.phase(Phase.OPTIMIZER_STEP);
        assertEquals(sharded, component(step, Component.WEIGHTS));
        assertEquals(sharded, component(step, Component.GRADIENTS));
        assertEquals(2 * sharded, component(step, Component.OPTIMIZER_STATES));       // AdamW exp_avg, exp_avg_sq
        assertEquals(2 * replica, component(hf.phase(Phase.OPTIMIZER_STEP), Component.OPTIMIZER_STATES));
    }

    @Test
    void fsdp1WithAStatedZeroZeroIsTheHfEstimate() {
        Estimate stated = tiny(Framework.FSDP1, 4, 0);
        Estimate hf = tiny(Framework.HF, 4, null);
        for (Phase p : new Phase[] {Phase.LOAD, Phase.FORWARD, Phase.BACKWARD, Phase.OPTIMIZER_STEP}) {
            assertEquals(hf.phase(p).allocated(), stated.phase(p).allocated(), p.toString());
        }
    }

    @Test
    void fsdp1DefaultIsStatedZeroThree() {
        Estimate dflt = tiny(Framework.FSDP1, 4, null);
        Estimate three = tiny(Framework.FSDP1, 4, 3);
        assertEquals(three.peak(Level.RESERVED).reserved(), dflt.peak(Level.RESERVED).reserved());
        assertEquals(three.peak(Level.ALLOCATED).allocated(), dflt.peak(Level.ALLOCATED).allocated());
    }

    // ------------------------------------------------------------------ FSDP1 use_orig_params flat gradients

    private Estimate tinyLora(Framework fw, Boolean useOrigParams) {
        Finetune lora = new Finetune(FinetuneMethod.LORA, 4, 8, java.util.List.of("q_proj", "v_proj"), null);
        FrameworkSettings.Stated stated = new FrameworkSettings.Stated(null, null, null, null, null, null, null, null,
                3, useOrigParams);
        FrameworkSettings.Resolved r = FrameworkSettings.resolve(fw, stated, Task.TRAIN, Precision.FP32,
                Optimizer.ADAMW, FinetuneMethod.LORA, new Parallel(4, 3, 1, 1), Set.of());
        Finetune ft = new Finetune(lora.method(), lora.rank(), lora.alpha(), lora.targets(), null, r.adapterDtype());
        return estimator.estimate(TinyModels.tiny(), new RunConfig("t", "tiny", Map.of(), Task.TRAIN, Precision.FP32,
                false, Optimizer.ADAMW, 2, 16, 1, r.checkpointing(), AttentionKernel.SDPA, ft, r.parallel(),
                r.options(), Inference.defaults(16), null, Compat.NONE, r.settings()));
    }

    @Test
    void useOrigParamsGivesEveryWrappedBlocksFrozenWeightsAShardedGradient() {
        // fp32, 4 ranks: a block's frozen parameters sharded (⌈n/4⌉·4 B, 512 B-rounded) are 37,888 B (see above);
        // two blocks 75,776 B. The root unit (embedding, final norm, lm_head) is all frozen: no gradient.
        PhaseEstimate with = tinyLora(Framework.FSDP1, true).phase(Phase.OPTIMIZER_STEP);
        PhaseEstimate without = tinyLora(Framework.FSDP1, false).phase(Phase.OPTIMIZER_STEP);
        assertEquals(75_776, component(with, Component.GRADIENTS) - component(without, Component.GRADIENTS));
        assertEquals(component(without, Component.OPTIMIZER_STATES), component(with, Component.OPTIMIZER_STATES),
                "the optimizer holds only the adapters");
    }

    @Test
    void useOrigParamsKeepsTheWholeUnshardedBlockGradientDuringItsBackward() {
        // the largest frozen tensors of a block, gate / up / down, are 8,192·4 = 32,768 B unsharded each
        Estimate with = tinyLora(Framework.FSDP1, true);
        long unsharded = with.phase(Phase.BACKWARD).terms().stream()
                .filter(t -> t.name().startsWith("temporary.full_grad.flat.")).mapToLong(Term::bytes).max()
                .orElse(0);
        assertTrue(unsharded >= 32_768, "unsharded flat gradient in backward: " + unsharded);
        assertTrue(with.peak(Level.ALLOCATED).allocated() > tinyLora(Framework.FSDP1, false).peak(Level.ALLOCATED)
                .allocated());
    }

    @Test
    void litGptDefaultsToUseOrigParamsOnlyForShardedLora() {
        FrameworkSettings.Stated nothing = FrameworkSettings.Stated.NOTHING;
        assertTrue(FrameworkSettings.resolve(Framework.LIT_GPT, nothing, Task.TRAIN, Precision.BF16, Optimizer.ADAMW,
                FinetuneMethod.LORA, new Parallel(2, 0, 1, 1), Set.of()).settings().useOrigParams());
        assertTrue(!FrameworkSettings.resolve(Framework.LIT_GPT, nothing, Task.TRAIN, Precision.BF16,
                Optimizer.ADAMW, FinetuneMethod.FULL, new Parallel(2, 0, 1, 1), Set.of()).settings().useOrigParams());
        assertTrue(!FrameworkSettings.resolve(Framework.FSDP1, nothing, Task.TRAIN, Precision.BF16, Optimizer.ADAMW,
                FinetuneMethod.LORA, new Parallel(2, 0, 1, 1), Set.of()).settings().useOrigParams(),
                "torch FSDP1's own default is use_orig_params=False");
    }

    @Test
    void statedUseOrigParamsOutsideShardedLoraIsABadRequest() {
        FrameworkSettings.Stated stated = new FrameworkSettings.Stated(null, null, null, null, null, null, null, null,
                0, true);
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> FrameworkSettings.resolve(Framework.FSDP1, stated, Task.TRAIN, Precision.BF16, Optimizer.ADAMW,
                        FinetuneMethod.LORA, new Parallel(2, 0, 1, 1), Set.of()));
        assertTrue(e.getMessage().startsWith("use_orig_params: "), e.getMessage());
    }

    // ------------------------------------------------------------------ a published measurement

    /**
     * pytorch/torchtitan benchmarks/llama3_h100_202412_torchtitan.md (@114151a), Table 1 "FSDP" row: Llama 3.1 8B,
     * 8 H100, local batch 2, seq 8192, selective (per-op) activation checkpointing, no compile: 82.4 GiB; Table 3
     * (128 GPUs, same run otherwise): 67.0 GiB. The logged memory is max_reserved (torchtitan/components/metrics.py:
     * reserved_bytes.all.peak), the estimator's reserved level. The request names only the framework: sharding,
     * precision policy, checkpointing and optimizer come from torchtitan's defaults.
     */
    @Test
    void torchtitanLlama31On8And128GpusIsWithin15PercentOfItsPublishedMaxReserved() {
        Inventory llama = new ModelLoader().load("llama-3.1-8b", Map.of());
        double[][] runs = {{8, 82.4}, {128, 67.0}};
        for (double[] run : runs) {
            RunConfig c = request("llama-3.1-8b", Precision.AMP_BF16, Framework.TORCHTITAN,
                    new Parallel((int) run[0], 0, 1, 1), null, 2, 8192);
            double reserved = (double) estimator.estimate(llama, c).peak(Level.RESERVED).reserved() / GIB;
            double err = (reserved - run[1]) / run[1];
            assertTrue(Math.abs(err) <= 0.15, (int) run[0] + " GPUs: estimate " + reserved + " GiB vs published "
                    + run[1] + " GiB (" + err + ")");
        }
        // without the framework's sharding (replicas, as before this default) it is nowhere near: the match rests on it
        RunConfig ddp = request("llama-3.1-8b", Precision.AMP_BF16, Framework.TORCHTITAN, new Parallel(8, 0, 1, 1), 0,
                2, 8192);
        double replicas = (double) estimator.estimate(llama, ddp).peak(Level.RESERVED).reserved() / GIB;
        assertTrue(replicas > 1.5 * 82.4, "replicas " + replicas + " GiB");
    }
}
