package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Compat;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.FinetuneMethod;
import dev.gpumem.estimate.RunConfig.Inference;
import dev.gpumem.estimate.RunConfig.ModelCode;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.OptimizerImpl;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.RunConfig.PrecisionPolicy;
import dev.gpumem.estimate.RunConfig.Task;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import dev.gpumem.units.DType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The framework semantics on toy models, each difference worked out by hand from the tensor shapes (every tensor
 * rounded up to 512 B). Tiny Llama (TinyModels.tiny): h 64, L 2, a 4, kv 2, d 16, i 128, v 100; b 2, s 16.
 */
class FrameworkSemanticsTest {
    private final Estimator estimator = new Estimator();

    static RunConfig request(String model, Precision precision, Optimizer optimizer, Checkpointing ckpt,
                             Finetune finetune, Parallel parallel, Framework fw,
                             FrameworkSettings.Stated stated, int batch, int seq) {
        // these requests state parallel.zero (FrameworkShardingTest covers it absent)
        FrameworkSettings.Stated s = new FrameworkSettings.Stated(stated.precisionPolicy(), ckpt, stated.loss(),
                stated.optimizerImpl(), finetune.adapterDtype(), stated.loraDropout(), stated.modelCode(),
                stated.reduceBucket(), parallel.zero());
        FrameworkSettings.Resolved r = FrameworkSettings.resolve(fw, s, precision, optimizer, finetune.method(),
                parallel, Set.of());
        Finetune ft = finetune.method() == FinetuneMethod.FULL ? finetune : new Finetune(finetune.method(),
                finetune.rank(), finetune.alpha(), finetune.targets(), finetune.quant(), r.adapterDtype());
        return new RunConfig("t", model, Map.of(), Task.TRAIN, precision, false, optimizer, batch, seq, 1,
                r.checkpointing(), AttentionKernel.SDPA, ft, r.parallel(), r.options(), Inference.defaults(seq), null,
                Compat.NONE, r.settings());
    }

    private Estimate tiny(Precision p, Checkpointing ckpt, Parallel par, FrameworkSettings.Stated stated) {
        return estimator.estimate(TinyModels.tiny(), request("tiny", p, Optimizer.ADAMW, ckpt, Finetune.FULL, par,
                Framework.HF, stated, 2, 16));
    }

    private static long terms(PhaseEstimate p, String... names) {
        Set<String> n = Set.of(names);
        return p.terms().stream().filter(t -> n.contains(t.name())).mapToLong(Term::bytes).sum();
    }

    private static long prefixed(PhaseEstimate p, String prefix) {
        return p.terms().stream().filter(t -> t.name().startsWith(prefix)).mapToLong(Term::bytes).sum();
    }

    private static long peak(Estimate e) {
        return e.phases().stream().mapToLong(PhaseEstimate::allocated).max().orElseThrow();
    }

    private static FrameworkSettings.Stated policy(PrecisionPolicy p) {
        return new FrameworkSettings.Stated(p, null, null, null, null, null, null);
    }

    // ------------------------------------------------------------------ per-op SAC

    @Test
    void perOpSacKeepsEveryOtherMatmulOutputAndTheAttentionOutputsPerLayer() {
        // fp32, per layer: q (mm 1) b·s·a·d·4 = 8,192; v (mm 3) b·s·kv·d·4 = 4,096; gate (mm 5) b·s·i·4 = 16,384;
        // down (mm 7) b·s·h·4 = 8,192; sdpa out 8,192; logsumexp b·a·s·4 = 512: 45,568 a layer, 91,136 for two
        PhaseEstimate loss = tiny(Precision.FP32, Checkpointing.SELECTIVE_OP, Parallel.SINGLE,
                FrameworkSettings.Stated.NOTHING).phase(Phase.LOSS);
        assertEquals(2 * 8_192, terms(loss, "attn.q"));
        assertEquals(2 * 4_096, terms(loss, "attn.v"));
        assertEquals(2 * 16_384, terms(loss, "mlp.gate_out"));
        assertEquals(2 * 8_192, terms(loss, "mlp.down_out"));
        assertEquals(2 * (8_192 + 512), terms(loss, "attn.sdpa_out", "attn.logsumexp"));
        // mm 2 (k), 4 (o_proj) and 6 (up) are recomputed
        assertEquals(0, terms(loss, "attn.k", "attn.o_proj_out", "mlp.up_out"));
    }

    @Test
    void perOpSacHoldsWhatFullCheckpointingHoldsPlusItsSaveListAtTheLoss() {
        long full = tiny(Precision.FP32, Checkpointing.FULL, Parallel.SINGLE, FrameworkSettings.Stated.NOTHING)
                .phase(Phase.LOSS).allocated();
        long sac = tiny(Precision.FP32, Checkpointing.SELECTIVE_OP, Parallel.SINGLE, FrameworkSettings.Stated.NOTHING)
                .phase(Phase.LOSS).allocated();
        assertEquals(91_136, sac - full);
    }

    @Test
    void perOpSacLiesBetweenNoCheckpointingAndFull() {
        List<Inventory> models = List.of(TinyModels.tiny(), TinyModels.inventory(TinyModels.llama(512, 2, 8, 2, 64,
                1408, 1000)));
        for (Inventory inv : models) {
            for (Precision p : List.of(Precision.FP32, Precision.BF16, Precision.AMP_BF16)) {
                long none = peak(estimator.estimate(inv, request("m", p, Optimizer.ADAMW, Checkpointing.NONE,
                        Finetune.FULL, Parallel.SINGLE, Framework.HF, FrameworkSettings.Stated.NOTHING, 4, 256)));
                long sac = peak(estimator.estimate(inv, request("m", p, Optimizer.ADAMW, Checkpointing.SELECTIVE_OP,
                        Finetune.FULL, Parallel.SINGLE, Framework.HF, FrameworkSettings.Stated.NOTHING, 4, 256)));
                long full = peak(estimator.estimate(inv, request("m", p, Optimizer.ADAMW, Checkpointing.FULL,
                        Finetune.FULL, Parallel.SINGLE, Framework.HF, FrameworkSettings.Stated.NOTHING, 4, 256)));
                assertTrue(full <= sac && sac <= none, p + ": full " + full + ", sac " + sac + ", none " + none);
                assertTrue(full < none, p + ": checkpointing saves something");
            }
        }
    }

    // ------------------------------------------------------------------ FSDP2 mixed precision

    @Test
    void fsdp2MixedPrecisionMakesNoAutocastCopies() {
        PhaseEstimate autocast = tiny(Precision.AMP_BF16, Checkpointing.NONE, Parallel.SINGLE,
                policy(PrecisionPolicy.AUTOCAST)).phase(Phase.LOSS);
        PhaseEstimate fsdp2 = tiny(Precision.AMP_BF16, Checkpointing.NONE, Parallel.SINGLE,
                policy(PrecisionPolicy.FSDP2_MIXED)).phase(Phase.LOSS);
        // autocast: the bf16 copies of every block linear, kept for backward: L·(2·64·64 + 2·32·64 + 3·128·64)·2 B
        assertEquals(2 * (2 * 8_192 + 2 * 4_096 + 3 * 16_384), prefixed(autocast, "weights.autocast_copy."));
        assertEquals(0, prefixed(fsdp2, "weights.autocast_copy."));
    }

    @Test
    void fsdp2MixedPrecisionGathersTheComputedModulesParametersInBf16() {
        // at the loss only the head is gathered: lm_head 100·64·2 B = 12,800, the final norm 64·2 B -> 512
        PhaseEstimate loss = tiny(Precision.AMP_BF16, Checkpointing.NONE, Parallel.SINGLE,
                policy(PrecisionPolicy.FSDP2_MIXED)).phase(Phase.LOSS);
        assertEquals(12_800 + 512, prefixed(loss, "temporary.zero3_gathered."));
    }

    @Test
    void fsdp2MixedPrecisionRunsTheResidualStreamInBf16() {
        // RoPE cos/sin are made in the residual dtype, b·s·d: fp32 under autocast 2,048 B, bf16 under FSDP2 1,024 B
        PhaseEstimate autocast = tiny(Precision.AMP_BF16, Checkpointing.NONE, Parallel.SINGLE,
                policy(PrecisionPolicy.AUTOCAST)).phase(Phase.LOSS);
        PhaseEstimate fsdp2 = tiny(Precision.AMP_BF16, Checkpointing.NONE, Parallel.SINGLE,
                policy(PrecisionPolicy.FSDP2_MIXED)).phase(Phase.LOSS);
        assertEquals(2_048, terms(autocast, "rope.cos"));
        assertEquals(1_024, terms(fsdp2, "rope.cos"));
    }

    @Test
    void fsdp2MixedPrecisionKeepsFp32ShardedStates() {
        // AdamW's exp_avg of q_proj (64·64 weights) over 4 ranks: 1,024 fp32 elements = 4,096 B per layer
        PhaseEstimate step = tiny(Precision.AMP_BF16, Checkpointing.NONE, new Parallel(4, 3, 1, 1),
                policy(PrecisionPolicy.FSDP2_MIXED)).phase(Phase.OPTIMIZER_STEP);
        long expAvg = step.terms().stream().filter(t -> t.component() == Component.OPTIMIZER_STATES
                && t.name().contains("exp_avg.") && t.name().endsWith("self_attn.q_proj.weight"))
                .mapToLong(Term::bytes).sum();
        assertEquals(2 * 4_096, expAvg);
    }

    @Test
    void fsdp2MemoryPerRankDecreasesWithDataParallelRanks() {
        Inventory inv = TinyModels.inventory(TinyModels.llama(1024, 4, 16, 4, 64, 2816, 32000));
        long previous = Long.MAX_VALUE;
        for (int dp : new int[] {1, 2, 4, 8, 16}) {
            long p = peak(estimator.estimate(inv, request("m", Precision.AMP_BF16, Optimizer.ADAMW,
                    Checkpointing.SELECTIVE_OP, Finetune.FULL, new Parallel(dp, 3, 1, 1), Framework.TORCHTITAN,
                    FrameworkSettings.Stated.NOTHING, 2, 512)));
            assertTrue(p < previous, "dp " + dp + ": " + p + " not below " + previous);
            previous = p;
        }
    }

    @Test
    void fsdp2WithoutAmpIsRefusedWhenStated() {
        var e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> request("tiny",
                Precision.BF16, Optimizer.ADAMW, Checkpointing.NONE, Finetune.FULL, Parallel.SINGLE, Framework.HF,
                policy(PrecisionPolicy.FSDP2_MIXED), 2, 16));
        assertTrue(e.getMessage().startsWith("precision_policy:"), e.getMessage());
    }

    // ------------------------------------------------------------------ optimizer implementation, loss

    @Test
    void transformersOwnAdamWKeepsTheDenominatorOfOneParameterOnly() {
        // fp32 AdamW on tiny Llama. foreach: sqrt(exp_avg_sq) of every trainable tensor at once. transformers'
        // AdamW (hf_adamw) loops: denom of one parameter at a time, at most the largest one, an MLP matrix
        // i·h·4 B = 128·64·4 = 32,768 B
        Estimate foreach = estimator.estimate(TinyModels.tiny(), request("tiny", Precision.FP32, Optimizer.ADAMW,
                Checkpointing.NONE, Finetune.FULL, Parallel.SINGLE, Framework.HF,
                FrameworkSettings.Stated.NOTHING, 2, 16));
        Estimate hf = estimator.estimate(TinyModels.tiny(), request("tiny", Precision.FP32, Optimizer.ADAMW,
                Checkpointing.NONE, Finetune.FULL, Parallel.SINGLE, Framework.HF,
                new FrameworkSettings.Stated(null, null, null, OptimizerImpl.HF_ADAMW, null, null, null), 2, 16));
        long tempForeach = foreach.phase(Phase.OPTIMIZER_STEP).terms().stream()
                .filter(t -> t.component() == Component.TEMPORARY && t.name().startsWith("optim."))
                .mapToLong(Term::bytes).sum();
        long tempHf = hf.phase(Phase.OPTIMIZER_STEP).terms().stream()
                .filter(t -> t.component() == Component.TEMPORARY && t.name().startsWith("optim."))
                .mapToLong(Term::bytes).sum();
        assertTrue(tempHf > 0 && tempHf <= 32_768L, "one parameter's denom, got " + tempHf);
        assertTrue(tempForeach >= 4 * foreach.trainableParams() - 512L * 64, "foreach: every parameter's root");
        assertTrue(hf.notes().stream().anyMatch(n -> n.contains("transformers' AdamW loops over the parameters")),
                hf.notes().toString());
    }

    @Test
    void torchtunesFusedAdamWKeepsNoSqrtTemporary() {
        // bf16 foreach AdamW: one sqrt(exp_avg_sq) temporary per trainable tensor; fused: none
        Estimate foreach = estimator.estimate(TinyModels.tiny(), request("tiny", Precision.BF16, Optimizer.ADAMW,
                Checkpointing.NONE, Finetune.FULL, Parallel.SINGLE, Framework.TORCHTUNE,
                new FrameworkSettings.Stated(null, null, null, OptimizerImpl.FOREACH, null, null, null), 2, 16));
        Estimate fused = estimator.estimate(TinyModels.tiny(), request("tiny", Precision.BF16, Optimizer.ADAMW,
                Checkpointing.NONE, Finetune.FULL, Parallel.SINGLE, Framework.TORCHTUNE,
                FrameworkSettings.Stated.NOTHING, 2, 16));
        long tempForeach = foreach.phase(Phase.OPTIMIZER_STEP).terms().stream()
                .filter(t -> t.component() == Component.TEMPORARY && t.name().startsWith("optim."))
                .mapToLong(Term::bytes).sum();
        long tempFused = fused.phase(Phase.OPTIMIZER_STEP).terms().stream()
                .filter(t -> t.component() == Component.TEMPORARY && t.name().startsWith("optim."))
                .mapToLong(Term::bytes).sum();
        assertTrue(tempForeach > 0);
        assertEquals(0, tempFused);
    }

    @Test
    void aFrameworkDefaultThatDoesNotApplyFallsBackToHfs() {
        FrameworkSettings.Resolved r = FrameworkSettings.resolve(Framework.TORCHTUNE, FrameworkSettings.Stated.NOTHING,
                Precision.BF16, Optimizer.ADAFACTOR, FinetuneMethod.FULL, Parallel.SINGLE, Set.of());
        assertEquals(OptimizerImpl.FOREACH, r.settings().optimizerImpl());
        assertTrue(r.settings().fromFramework().get(Framework.Semantic.OPTIMIZER_IMPL).contains("hf's"));
    }

    // ------------------------------------------------------------------ DeepSpeed ZeRO reduce bucket

    private Estimate deepspeed(int zero, FrameworkSettings.Stated stated) {
        return estimator.estimate(TinyModels.tiny(), request("tiny", Precision.BF16, Optimizer.ADAMW,
                Checkpointing.NONE, Finetune.FULL, new Parallel(2, zero, 1, 1), Framework.DEEPSPEED, stated, 2, 16));
    }

    @Test
    void deepspeedZero2AllocatesItsReduceBucketAtBackwardAndKeepsIt() {
        // reduce_bucket_size 5e8 elements of the bf16 parameter dtype: 1,000,000,000 B (a multiple of 512)
        Estimate e = deepspeed(2, FrameworkSettings.Stated.NOTHING);
        assertEquals(0, terms(e.phase(Phase.LOSS), "gradients.deepspeed_ipg_bucket"));
        assertEquals(1_000_000_000L, terms(e.phase(Phase.BACKWARD), "gradients.deepspeed_ipg_bucket"));
        assertEquals(1_000_000_000L, terms(e.phase(Phase.OPTIMIZER_STEP), "gradients.deepspeed_ipg_bucket"));
    }

    @Test
    void aStatedBucketSizeBeatsDeepspeedsDefaultAndZero3KeepsItsBucketFromLoad() {
        FrameworkSettings.Stated small = new FrameworkSettings.Stated(null, null, null, null, null, null, null, 1000L);
        assertEquals(2_048, terms(deepspeed(1, small).phase(Phase.BACKWARD), "gradients.deepspeed_ipg_bucket"));
        // stage3.py allocates its bucket once when the optimizer is built: 5e8 · 2 B (bf16) from load on
        assertEquals(1_000_000_000L, terms(deepspeed(3, FrameworkSettings.Stated.NOTHING).phase(Phase.LOAD),
                "gradients.deepspeed_ipg_bucket"));
    }

    // ------------------------------------------------------------------ LoRA dropout, model code

    @Test
    void loraDropoutKeepsTheDroppedInputAndABoolMaskPerAdaptedModule() {
        Finetune lora = new Finetune(FinetuneMethod.LORA, 8, 16, List.of("q_proj", "v_proj"), null, DType.BF16);
        PhaseEstimate loss = estimator.estimate(TinyModels.tiny(), request("tiny", Precision.BF16, Optimizer.ADAMW,
                Checkpointing.NONE, lora, Parallel.SINGLE, Framework.LIT_GPT, FrameworkSettings.Stated.NOTHING, 2, 16))
                .phase(Phase.LOSS);
        // per layer and module: mask b·s·h·1 B = 2,048; dropped input b·s·h·2 B = 4,096; two layers
        assertEquals(2 * 2_048, terms(loss, "lora.q_proj.dropout_mask"));
        assertEquals(2 * 4_096, terms(loss, "lora.q_proj.dropout_out"));
        // lit-gpt's fused qkv LoRA: v's adapter reads the same dropped input as q's
        assertEquals(0, terms(loss, "lora.v_proj.dropout_mask", "lora.v_proj.dropout_out"));
        // PEFT (hf) with a stated dropout: one dropout per adapted module
        PhaseEstimate peft = estimator.estimate(TinyModels.tiny(), request("tiny", Precision.BF16, Optimizer.ADAMW,
                Checkpointing.NONE, lora, Parallel.SINGLE, Framework.HF,
                new FrameworkSettings.Stated(null, null, null, null, null, 0.05, null), 2, 16)).phase(Phase.LOSS);
        assertEquals(2 * (2_048 + 4_096), terms(peft, "lora.v_proj.dropout_mask", "lora.v_proj.dropout_out"));
        assertEquals(2 * (2_048 + 4_096), terms(peft, "lora.q_proj.dropout_mask", "lora.q_proj.dropout_out"));
        PhaseEstimate none = estimator.estimate(TinyModels.tiny(), request("tiny", Precision.BF16, Optimizer.ADAMW,
                Checkpointing.NONE, lora, Parallel.SINGLE, Framework.HF, FrameworkSettings.Stated.NOTHING, 2, 16))
                .phase(Phase.LOSS);
        assertEquals(0, prefixed(none, "lora.q_proj.dropout"));
    }

    @Test
    void litGptsFusedGeluKeepsNoneOfGeluNewsIntermediates() {
        // phi-1.5 (gelu_new), 2 layers, b 1, s 8, bf16: HF keeps 0.5·x, tanh(..), 1 + tanh(..): 3·L·b·s·i·2 B
        Map<String, Object> two = Map.of("num_hidden_layers", 2);
        Inventory phi = new ModelLoader().load("phi-1.5", two);
        FrameworkSettings.Stated hfCode = new FrameworkSettings.Stated(null, null, null, null, null, null,
                ModelCode.HF);
        PhaseEstimate hf = estimator.estimate(phi, request("phi-1.5", Precision.BF16, Optimizer.SGD,
                Checkpointing.NONE, Finetune.FULL, Parallel.SINGLE, Framework.LIT_GPT, hfCode, 1, 8))
                .phase(Phase.LOSS);
        PhaseEstimate lit = estimator.estimate(phi, request("phi-1.5", Precision.BF16, Optimizer.SGD,
                Checkpointing.NONE, Finetune.FULL, Parallel.SINGLE, Framework.LIT_GPT,
                FrameworkSettings.Stated.NOTHING, 1, 8)).phase(Phase.LOSS);
        assertEquals(3L * 2 * 1 * 8 * 8192 * 2, prefixed(hf, "mlp.gelu_new."));
        assertEquals(0, prefixed(lit, "mlp.gelu_new."));
    }

    @Test
    void litGptsRmsNormKeepsItsInputAndRsqrtInTheInputDtypeWithoutAnFp32Copy() {
        // tiny, LoRA q/v, bf16: 2·L + 1 = 5 norms keep a b·s rsqrt (2·16·2 B = 64 B, one 512-B block each) and
        // their bf16 input (the residual stream, kept anyway); HF's Python RMSNorm keeps an fp32 copy b·s·h·4 B
        Finetune lora = new Finetune(FinetuneMethod.LORA, 8, 16, List.of("q_proj", "v_proj"), null, DType.BF16);
        PhaseEstimate lit = estimator.estimate(TinyModels.tiny(), request("tiny", Precision.BF16, Optimizer.ADAMW,
                Checkpointing.NONE, lora, Parallel.SINGLE, Framework.LIT_GPT, FrameworkSettings.Stated.NOTHING, 2, 16))
                .phase(Phase.LOSS);
        assertEquals(5 * 512, terms(lit, "norm.rsqrt"));
        assertEquals(0, terms(lit, "norm.input_fp32", "norm.rstd", "norm.normalized"));
        FrameworkSettings.Stated hfCode = new FrameworkSettings.Stated(null, null, null, null, null, null,
                ModelCode.HF);
        PhaseEstimate hf = estimator.estimate(TinyModels.tiny(), request("tiny", Precision.BF16, Optimizer.ADAMW,
                Checkpointing.NONE, lora, Parallel.SINGLE, Framework.LIT_GPT, hfCode, 2, 16)).phase(Phase.LOSS);
        assertEquals(5L * 2 * 16 * 64 * 4, terms(hf, "norm.input_fp32"));
    }

    @Test
    void litGptsFusedQkvViewsKeepThePreRopeQueriesAndKeysWithMultiHeadAttention() {
        // llama-2-7b (32/32 heads), 2 layers, b 1, s 8: q and k are views of the fused qkv output, which the v that
        // SDPA keeps holds: L·b·s·a·d·2 B = 2·8·4096·2 each; HF's separate q_proj/k_proj outputs die after RoPE
        Inventory llama = new ModelLoader().load("llama-2-7b", Map.of("num_hidden_layers", 2));
        Finetune lora = new Finetune(FinetuneMethod.LORA, 8, 16, List.of("q_proj", "v_proj"), null, DType.BF16);
        FrameworkSettings.Stated hfCode = new FrameworkSettings.Stated(null, null, null, null, null, null,
                ModelCode.HF);
        PhaseEstimate lit = estimator.estimate(llama, request("llama-2-7b", Precision.BF16, Optimizer.ADAMW,
                Checkpointing.NONE, lora, Parallel.SINGLE, Framework.LIT_GPT, FrameworkSettings.Stated.NOTHING, 1, 8))
                .phase(Phase.LOSS);
        PhaseEstimate hf = estimator.estimate(llama, request("llama-2-7b", Precision.BF16, Optimizer.ADAMW,
                Checkpointing.NONE, lora, Parallel.SINGLE, Framework.LIT_GPT, hfCode, 1, 8)).phase(Phase.LOSS);
        assertEquals(2L * 8 * 4096 * 2, terms(lit, "attn.q"));
        assertEquals(2L * 8 * 4096 * 2, terms(lit, "attn.k"));
        assertEquals(0, terms(hf, "attn.q", "attn.k"));
    }

    @Test
    void litGptCopiesKeysAndValuesToEveryHeadWithFewerKvHeads() {
        // tiny (a 4, kv 2, d 16), b 2, s 16, L 2: lit-gpt's reshape of the expanded k and v copies them to a heads,
        // which SDPA keeps: L·b·s·a·d·2 B = 2·2·16·4·16·2 = 8,192 each; HF's SDPA (enable_gqa) keeps v at kv heads
        Finetune lora = new Finetune(FinetuneMethod.LORA, 8, 16, List.of("q_proj", "v_proj"), null, DType.BF16);
        FrameworkSettings.Stated hfCode = new FrameworkSettings.Stated(null, null, null, null, null, null,
                ModelCode.HF);
        PhaseEstimate lit = estimator.estimate(TinyModels.tiny(), request("tiny", Precision.BF16, Optimizer.ADAMW,
                Checkpointing.NONE, lora, Parallel.SINGLE, Framework.LIT_GPT, FrameworkSettings.Stated.NOTHING, 2, 16))
                .phase(Phase.LOSS);
        PhaseEstimate hf = estimator.estimate(TinyModels.tiny(), request("tiny", Precision.BF16, Optimizer.ADAMW,
                Checkpointing.NONE, lora, Parallel.SINGLE, Framework.LIT_GPT, hfCode, 2, 16)).phase(Phase.LOSS);
        assertEquals(8_192, terms(lit, "attn.v_repeated"));
        assertEquals(8_192, terms(lit, "attn.k_rope"));
        assertEquals(0, terms(lit, "attn.v", "attn.k_repeated"));
        assertEquals(4_096, terms(hf, "attn.v"));
        assertEquals(4_096, terms(hf, "attn.k_rope"));
    }

    @Test
    void litGptsChunkedCrossEntropyKeepsComputeDtypeChunksOf128Tokens() {
        // tiny (v 100), b 1, s 300, bf16: lm_head_chunk_size 128 -> chunks of 128, 128 and 44 tokens; each chunk's
        // logits and its log-softmax output in bf16: 1·128·100·2 B = 25,600 twice, 1·44·100·2 B = 8,800 -> 9,216
        Finetune lora = new Finetune(FinetuneMethod.LORA, 8, 16, List.of("q_proj", "v_proj"), null, DType.BF16);
        PhaseEstimate lit = estimator.estimate(TinyModels.tiny(), request("tiny", Precision.BF16, Optimizer.ADAMW,
                Checkpointing.NONE, lora, Parallel.SINGLE, Framework.LIT_GPT, FrameworkSettings.Stated.NOTHING, 1,
                300)).phase(Phase.LOSS);
        assertEquals(2 * 25_600 + 9_216, terms(lit, "logits.chunk"));
        assertEquals(2 * 25_600 + 9_216, terms(lit, "loss.chunk_log_softmax_out"));
        assertEquals(0, terms(lit, "logits.chunk_fp32_upcast"));
    }

    @Test
    void litGptsZeroPaddedQkvLoraKeepsIndexCopysSourceWhenNotAllOfQkvAreAdapted() {
        // tiny (a·d 64, kv·d 32), b 2, s 16, L 2, bf16, LoRA on q and v: index_copy keeps B's output at the adapted
        // widths, b·s·64·2 B = 4,096 (q) + b·s·32·2 B = 2,048 (v) per layer; none with q, k and v all adapted
        Finetune qv = new Finetune(FinetuneMethod.LORA, 8, 16, List.of("q_proj", "v_proj"), null, DType.BF16);
        Finetune qkv = new Finetune(FinetuneMethod.LORA, 8, 16, List.of("q_proj", "k_proj", "v_proj"), null,
                DType.BF16);
        PhaseEstimate padded = estimator.estimate(TinyModels.tiny(), request("tiny", Precision.BF16,
                Optimizer.ADAMW, Checkpointing.NONE, qv, Parallel.SINGLE, Framework.LIT_GPT,
                FrameworkSettings.Stated.NOTHING, 2, 16)).phase(Phase.LOSS);
        PhaseEstimate all = estimator.estimate(TinyModels.tiny(), request("tiny", Precision.BF16, Optimizer.ADAMW,
                Checkpointing.NONE, qkv, Parallel.SINGLE, Framework.LIT_GPT, FrameworkSettings.Stated.NOTHING, 2, 16))
                .phase(Phase.LOSS);
        PhaseEstimate peft = estimator.estimate(TinyModels.tiny(), request("tiny", Precision.BF16, Optimizer.ADAMW,
                Checkpointing.NONE, qv, Parallel.SINGLE, Framework.HF, FrameworkSettings.Stated.NOTHING, 2, 16))
                .phase(Phase.LOSS);
        assertEquals(2 * (4_096 + 2_048), terms(padded, "lora.qkv_zero_pad_source"));
        assertEquals(0, terms(all, "lora.qkv_zero_pad_source"));
        assertEquals(0, terms(peft, "lora.qkv_zero_pad_source"));
    }
}
