package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.GpuSpec.GpuArch;
import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Compat;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.FinetuneMethod;
import dev.gpumem.estimate.RunConfig.Inference;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.RunConfig.RunOption;
import dev.gpumem.estimate.RunConfig.Task;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Inventory;
import dev.gpumem.units.DType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EstimatorPropertiesTest {
    private final Estimator estimator = new Estimator();

    static RunConfig train(Precision p, Optimizer o, int b, int s, Checkpointing ckpt, AttentionKernel k,
                           Finetune ft, Parallel par, Set<RunOption> opts, int accum) {
        return new RunConfig("t", "tiny", Map.of(), Task.TRAIN, p, false, o, b, s, accum, ckpt, k, ft, par, opts,
                Inference.defaults(s), null, Compat.NONE);
    }

    static RunConfig train(Precision p, int b, int s, Checkpointing ckpt, AttentionKernel k) {
        return train(p, Optimizer.ADAMW, b, s, ckpt, k, Finetune.FULL, Parallel.SINGLE, Set.of(), 1);
    }

    static RunConfig infer(int b, int seq, int ctx, DType kv) {
        return new RunConfig("i", "tiny", Map.of(), Task.INFERENCE, Precision.BF16, false, Optimizer.NONE, 1, seq,
                1, Checkpointing.NONE, AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(),
                new Inference(b, ctx, kv), null, Compat.NONE);
    }

    private long peak(Inventory inv, RunConfig cfg) {
        return estimator.estimate(inv, cfg).peak(Level.ALLOCATED).allocated();
    }

    @Test
    void activationPartGrowsLinearlyWithLayers() {
        long[] act = new long[5];
        for (int l = 2; l <= 4; l++) {
            Estimate e = estimator.estimate(TinyModels.inventory(TinyModels.llama(l)),
                    train(Precision.BF16, 2, 64, Checkpointing.NONE, AttentionKernel.EAGER));
            act[l] = e.phase(Phase.FORWARD).allocated() - e.phase(Phase.LOAD).allocated();
        }
        assertTrue(act[3] > act[2]);
        assertEquals(act[3] - act[2], act[4] - act[3]);
    }

    @Test
    void everyPhaseIsMonotoneInBatchAndSequence() {
        Inventory inv = TinyModels.tiny();
        for (Precision p : List.of(Precision.FP32, Precision.AMP_BF16, Precision.BF16)) {
            for (AttentionKernel k : AttentionKernel.values()) {
                Estimate small = estimator.estimate(inv, train(p, 1, 32, Checkpointing.NONE, k));
                Estimate moreBatch = estimator.estimate(inv, train(p, 2, 32, Checkpointing.NONE, k));
                Estimate moreSeq = estimator.estimate(inv, train(p, 1, 64, Checkpointing.NONE, k));
                for (PhaseEstimate ph : small.phases()) {
                    assertTrue(moreBatch.phase(ph.phase()).allocated() >= ph.allocated(), ph.phase() + " batch");
                    assertTrue(moreSeq.phase(ph.phase()).allocated() >= ph.allocated(), ph.phase() + " seq");
                }
                assertTrue(moreBatch.peak(Level.ALLOCATED).allocated() > small.peak(Level.ALLOCATED).allocated());
            }
        }
    }

    @Test
    void checkpointingNeverIncreasesThePeak() {
        Inventory inv = TinyModels.inventory(TinyModels.llama(4));
        for (Precision p : List.of(Precision.FP32, Precision.AMP_BF16, Precision.BF16)) {
            for (AttentionKernel k : AttentionKernel.values()) {
                long none = peak(inv, train(p, 2, 128, Checkpointing.NONE, k));
                long selective = peak(inv, train(p, 2, 128, Checkpointing.SELECTIVE, k));
                long full = peak(inv, train(p, 2, 128, Checkpointing.FULL, k));
                assertTrue(selective <= none, p + " " + k + " selective");
                assertTrue(full <= none, p + " " + k + " full");
            }
        }
    }

    @Test
    void fullCheckpointingShrinksTheForwardOfALongSequence() {
        Inventory inv = TinyModels.inventory(TinyModels.llama(4));
        Estimate none = estimator.estimate(inv, train(Precision.BF16, 2, 256, Checkpointing.NONE, AttentionKernel.SDPA));
        Estimate full = estimator.estimate(inv, train(Precision.BF16, 2, 256, Checkpointing.FULL, AttentionKernel.SDPA));
        long actNone = none.phase(Phase.FORWARD).components().get(Component.ACTIVATIONS);
        long actFull = full.phase(Phase.FORWARD).components().get(Component.ACTIVATIONS);
        assertTrue(actFull * 3 < actNone, actFull + " vs " + actNone);
    }

    @Test
    void sdpaNeverIncreasesThePeakAndDropsTheScores() {
        Inventory inv = TinyModels.tiny();
        for (Precision p : List.of(Precision.FP32, Precision.AMP_BF16, Precision.BF16)) {
            for (Checkpointing c : Checkpointing.values()) {
                assertTrue(peak(inv, train(p, 2, 128, c, AttentionKernel.SDPA))
                        <= peak(inv, train(p, 2, 128, c, AttentionKernel.EAGER)), p + " " + c);
            }
        }
        Estimate sdpa = estimator.estimate(inv, train(Precision.BF16, 2, 128, Checkpointing.NONE,
                AttentionKernel.SDPA));
        assertFalse(sdpa.phase(Phase.FORWARD).terms().stream().anyMatch(t -> t.name().startsWith("attn.softmax")));
        Estimate eager = estimator.estimate(inv, train(Precision.BF16, 2, 128, Checkpointing.NONE,
                AttentionKernel.EAGER));
        Term probs = eager.phase(Phase.FORWARD).terms().stream()
                .filter(t -> t.name().equals("attn.softmax_out_fp32")).findFirst().orElseThrow();
        assertEquals(2L * 2 * 4 * 128 * 128 * 4, probs.bytes());   // L·b·a·s·s·4 B
    }

    @Test
    void zero3KeepsOneNthOfTheOptimizerStatesPerRank() {
        // h = 512 so that every tensor's quarter is a multiple of 512 B and rounding cannot blur the ratio
        Inventory inv = TinyModels.inventory(TinyModels.llama(512, 2, 8, 4, 64, 1024, 1000));
        for (Optimizer o : List.of(Optimizer.ADAMW, Optimizer.SGD_MOMENTUM, Optimizer.LION)) {
            long zero0 = states(inv, o, new Parallel(4, 0, 1, 1));
            long zero1 = states(inv, o, new Parallel(4, 1, 1, 1));
            long zero3 = states(inv, o, new Parallel(4, 3, 1, 1));
            assertTrue(zero0 > 0);
            assertEquals(zero0, 4 * zero3, o.wire());
            assertEquals(zero0, 4 * zero1, o.wire());
        }
    }

    private long states(Inventory inv, Optimizer o, Parallel par) {
        Estimate e = estimator.estimate(inv, train(Precision.AMP_BF16, o, 1, 64, Checkpointing.NONE,
                AttentionKernel.SDPA, Finetune.FULL, par, Set.of(), 1));
        return e.phase(Phase.SECOND_STEP).components().getOrDefault(Component.OPTIMIZER_STATES, 0L);
    }

    @Test
    void zeroStagesShrinkThePerRankPeakInOrder() {
        Inventory inv = TinyModels.inventory(TinyModels.llama(512, 2, 8, 4, 64, 1024, 1000));
        long previous = Long.MAX_VALUE;
        for (int stage = 0; stage <= 3; stage++) {
            long p = peak(inv, train(Precision.AMP_BF16, Optimizer.ADAMW, 1, 64, Checkpointing.NONE,
                    AttentionKernel.SDPA, Finetune.FULL, new Parallel(8, stage, 1, 1), Set.of(), 1));
            assertTrue(p < previous, "zero " + stage);
            previous = p;
        }
    }

    @Test
    void gqaShrinksTheKvCacheByHeadsOverKvHeads() {
        Architecture mha = TinyModels.llama(256, 2, 8, 8, 32, 512, 1000);
        Architecture gqa = TinyModels.llama(256, 2, 8, 2, 32, 512, 1000);
        long full = kvCache(TinyModels.inventory(mha));
        long grouped = kvCache(TinyModels.inventory(gqa));
        assertEquals(full, 4 * grouped);
        // 2 (k, v) · L · b · kv · ctx · d · 2 B (bf16) with b = 4, ctx = 1,024, plus, at the decode peak, the last
        // block's prompt-length K and V that torch.cat has not released yet: 2 · b · kv · s · d · 2 B, s = 512
        assertEquals(2L * 2 * 4 * 8 * 1024 * 32 * 2 + 2L * 4 * 8 * 512 * 32 * 2, full);
    }

    private long kvCache(Inventory inv) {
        Estimate e = estimator.estimate(inv, infer(4, 512, 1024, DType.BF16));
        return e.phase(Phase.DECODE).terms().stream().filter(t -> t.component() == Component.KV_CACHE)
                .mapToLong(Term::bytes).sum();
    }

    @Test
    void inferenceReportsLoadPrefillAndDecode() {
        Estimate e = estimator.estimate(TinyModels.tiny(), infer(2, 32, 64, DType.BF16));
        assertEquals(List.of(Phase.LOAD, Phase.PREFILL, Phase.DECODE),
                e.phases().stream().map(PhaseEstimate::phase).toList());
        long weights = e.phase(Phase.LOAD).allocated();
        assertTrue(e.phase(Phase.PREFILL).allocated() > weights);
        assertEquals(0, e.trainableParams());
    }

    @Test
    void levelsAreOrderedAcrossManyConfigurations() {
        Inventory inv = TinyModels.tiny();
        Finetune lora = new Finetune(FinetuneMethod.LORA, 8, 16, List.of("q_proj", "v_proj"), null);
        Finetune qlora = new Finetune(FinetuneMethod.QLORA, 8, 16, List.of("q_proj", "v_proj", "down_proj"),
                DType.NF4);
        Optimizer[] optimizers = Optimizer.values();
        int n = 0;
        for (Precision p : Precision.values()) {
            {
                for (Finetune ft : List.of(Finetune.FULL, lora, qlora)) {
                    if (ft == qlora && p == Precision.FP32) {
                        continue;
                    }
                    for (Set<RunOption> opts : List.of(Set.<RunOption>of(), Set.of(RunOption.CHUNKED_LOSS,
                            RunOption.COMPILE), Set.of(RunOption.ACTIVATION_OFFLOADING),
                            Set.of(RunOption.OPTIMIZER_IN_BACKWARD))) {
                        int accum = opts.contains(RunOption.OPTIMIZER_IN_BACKWARD) ? 1 : 2;
                        for (Checkpointing c : Checkpointing.values()) {
                            Optimizer o = optimizers[n++ % optimizers.length];   // every optimizer, cycled
                            Estimate e = estimator.estimate(inv, train(p, o, 2, 32, c, AttentionKernel.EAGER, ft,
                                    Parallel.SINGLE, opts, accum));
                            for (PhaseEstimate ph : e.phases()) {
                                assertTrue(ph.allocated() <= ph.reserved() && ph.reserved() <= ph.device());
                            }
                            assertNotNull(e.notes());
                        }
                    }
                }
            }
        }
    }

    @Test
    void gradientAccumulationKeepsGradientsDuringTheNextForward() {
        Inventory inv = TinyModels.tiny();
        Estimate one = estimator.estimate(inv, train(Precision.FP32, Optimizer.SGD, 2, 16, Checkpointing.NONE,
                AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(), 1));
        Estimate two = estimator.estimate(inv, train(Precision.FP32, Optimizer.SGD, 2, 16, Checkpointing.NONE,
                AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(), 2));
        // the second micro-step's forward runs with a full set of fp32 gradients (= the weights' bytes)
        long weights = one.phase(Phase.LOAD).allocated();
        assertEquals(one.phase(Phase.FORWARD).allocated() + weights, two.phase(Phase.FORWARD).allocated());
    }

    @Test
    void loraTrainsOnlyTheAdapters() {
        Inventory inv = TinyModels.tiny();
        Finetune lora = new Finetune(FinetuneMethod.LORA, 8, 16, List.of("q_proj", "v_proj"), null);
        Estimate e = estimator.estimate(inv, train(Precision.BF16, Optimizer.ADAMW, 2, 16, Checkpointing.NONE,
                AttentionKernel.SDPA, lora, Parallel.SINGLE, Set.of(), 1));
        // per layer: q (8·64 + 64·8) + v (8·64 + 32·8) = 1,024 + 768
        assertEquals(2 * (1024 + 768), e.trainableParams());
        assertEquals(86_848 + 2 * (1024 + 768), e.params());
        // default (PEFT autocast_adapter_dtype=True): fp32 adapters. AdamW: two fp32 states per adapter parameter,
        // each adapter tensor rounded to 512 B: per layer A_q 8·64·4 = 2,048 B, B_q 2,048 B, A_v 2,048 B,
        // B_v 32·8·4 = 1,024 B
        long states = e.phase(Phase.SECOND_STEP).components().get(Component.OPTIMIZER_STATES);
        assertEquals(2 * 2 * (2048 + 2048 + 2048 + 1024), states);
    }

    @Test
    void bf16AdaptersAsTorchtuneBuildsThemKeepBf16States() {
        // finetune.adapter_dtype bf16 (torchtune set_default_dtype(bf16), lit-gpt bf16-true): per layer
        // A_q 8·64·2 = 1,024 B, B_q 1,024 B, A_v 1,024 B, B_v 32·8·2 = 512 B; two states each, two layers
        Inventory inv = TinyModels.tiny();
        Finetune lora = new Finetune(FinetuneMethod.LORA, 8, 16, List.of("q_proj", "v_proj"), null, DType.BF16);
        Estimate e = estimator.estimate(inv, train(Precision.BF16, Optimizer.ADAMW, 2, 16, Checkpointing.NONE,
                AttentionKernel.SDPA, lora, Parallel.SINGLE, Set.of(), 1));
        long states = e.phase(Phase.SECOND_STEP).components().get(Component.OPTIMIZER_STATES);
        assertEquals(2 * 2 * (1024 + 1024 + 1024 + 512), states);
        assertTrue(e.notes().stream().anyMatch(n -> n.startsWith("LoRA adapters are bf16 (finetune.adapter_dtype)")));
    }

    @Test
    void qloraStoresFourBitWeightsWithAbsmaxPer64() {
        Inventory inv = TinyModels.tiny();
        Finetune qlora = new Finetune(FinetuneMethod.QLORA, 8, 16, List.of("q_proj"), DType.NF4);
        Estimate e = estimator.estimate(inv, train(Precision.BF16, Optimizer.ADAMW, 2, 16, Checkpointing.NONE,
                AttentionKernel.SDPA, qlora, Parallel.SINGLE, Set.of(), 1));
        Term q = e.phase(Phase.LOAD).terms().stream().filter(t -> t.name().equals("weights.self_attn.q_proj.weight"))
                .findFirst().orElseThrow();
        assertEquals(2 * 2048, q.bytes());            // 4,096 weights · 0.5 B = 2,048 B per layer
        Term absmax = e.phase(Phase.LOAD).terms().stream()
                .filter(t -> t.name().equals("weights.quant_state.self_attn.q_proj.weight")).findFirst().orElseThrow();
        assertEquals(2 * 512, absmax.bytes());        // 4,096/64 = 64 absmax · 4 B = 256 B, one block per layer
    }

    @Test
    void cpuDeviceLevelAddsNoContextAndNoWorkspace() {
        RunConfig cfg = train(Precision.FP32, 2, 16, Checkpointing.NONE, AttentionKernel.SDPA)
                .withGpu(new GpuSpec("host", 64L << 30, GpuArch.CPU));
        Estimate e = estimator.estimate(TinyModels.tiny(), cfg);
        for (PhaseEstimate p : e.phases()) {
            assertEquals(p.reserved(), p.device());
            assertFalse(p.terms().stream().anyMatch(t -> t.component() == Component.WORKSPACE));
        }
        assertTrue(e.fit().fits());
    }

    @Test
    void fitVerdictComparesThePeakDeviceLevelWithTheCard() {
        RunConfig cfg = train(Precision.FP32, 2, 16, Checkpointing.NONE, AttentionKernel.SDPA);
        Estimate small = estimator.estimate(TinyModels.tiny(), cfg.withGpu(new GpuSpec("tiny", 100L << 20,
                GpuArch.AMPERE)));
        assertFalse(small.fit().fits());
        assertEquals(100L << 20, small.fit().headroomBytes() + small.fit().peakDevice());
        Estimate big = estimator.estimate(TinyModels.tiny(), cfg.withGpu(new GpuSpec("h100-80gb", 80L << 30,
                GpuArch.HOPPER)));
        assertTrue(big.fit().fits());
        assertEquals(big.peak(Level.DEVICE).device(), big.fit().peakDevice());
    }

    @Test
    void aCardsCapacityMakesTheAllocatorReleaseCachedSegmentsBeforeGrowing() {
        Inventory inv = TinyModels.llama8b();
        RunConfig cfg = train(Precision.AMP_BF16, 1, 1024, Checkpointing.NONE, AttentionKernel.SDPA);
        GpuSpec card = new GpuSpec("h100-80gb", 80L << 30, GpuArch.HOPPER);
        Estimate capped = estimator.estimate(inv, cfg.withGpu(card));
        long capacity = card.totalBytes() - estimator.calibrationFor(card).contextBytes();
        for (PhaseEstimate p : capped.phases()) {
            if (p.allocated() <= capacity) {
                assertTrue(p.reserved() <= capacity, p.phase().wire() + " reserved " + p.reserved());
            }
        }
        Estimate free = estimator.estimate(inv, cfg.withGpu(new GpuSpec("huge", 1L << 40, GpuArch.HOPPER)));
        assertEquals(free.phase(Phase.BACKWARD).allocated(), capped.phase(Phase.BACKWARD).allocated());
        assertTrue(free.peak(Level.RESERVED).reserved() >= capped.peak(Level.RESERVED).reserved());
    }

    @Test
    void activationOffloadingKeepsAtMostTwoBlocksOfActivationsOnTheDevice() {
        Inventory inv = TinyModels.inventory(TinyModels.llama(6));
        for (Checkpointing c : List.of(Checkpointing.NONE, Checkpointing.FULL)) {
            Estimate kept = estimator.estimate(inv, train(Precision.BF16, Optimizer.ADAMW, 2, 128, c,
                    AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(), 1));
            Estimate offloaded = estimator.estimate(inv, train(Precision.BF16, Optimizer.ADAMW, 2, 128, c,
                    AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(RunOption.ACTIVATION_OFFLOADING),
                    1));
            long before = kept.phase(Phase.FORWARD).components().get(Component.ACTIVATIONS);
            long after = offloaded.phase(Phase.FORWARD).components().get(Component.ACTIVATIONS);
            assertTrue(after < before, c + ": " + after + " vs " + before);
            assertTrue(offloaded.peak(Level.ALLOCATED).allocated() <= kept.peak(Level.ALLOCATED).allocated(),
                    c.wire());
        }
    }

    @Test
    void compileKeepsFewerActivationsOfRmsNormAndSwiGlu() {
        Inventory inv = TinyModels.tiny();
        for (Precision p : List.of(Precision.BF16, Precision.AMP_BF16, Precision.FP32)) {
            Estimate eager = estimator.estimate(inv, train(p, Optimizer.ADAMW, 2, 64, Checkpointing.NONE,
                    AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(), 1));
            Estimate compiled = estimator.estimate(inv, train(p, Optimizer.ADAMW, 2, 64, Checkpointing.NONE,
                    AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(RunOption.COMPILE), 1));
            PhaseEstimate f = compiled.phase(Phase.FORWARD);
            assertTrue(f.components().get(Component.ACTIVATIONS)
                    < eager.phase(Phase.FORWARD).components().get(Component.ACTIVATIONS), p.wire());
            assertFalse(f.terms().stream().anyMatch(t -> t.name().equals("mlp.act_out")), p.wire());
            assertTrue(compiled.peak(Level.ALLOCATED).allocated() <= eager.peak(Level.ALLOCATED).allocated());
        }
    }

    @Test
    void chunkedLossLowersTheLossPeakOfALargeVocabulary() {
        Inventory inv = TinyModels.inventory(TinyModels.llama(64, 2, 4, 2, 16, 128, 32000));
        Estimate plain = estimator.estimate(inv, train(Precision.BF16, Optimizer.ADAMW, 2, 64, Checkpointing.NONE,
                AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(), 1));
        Estimate chunked = estimator.estimate(inv, train(Precision.BF16, Optimizer.ADAMW, 2, 64, Checkpointing.NONE,
                AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(RunOption.CHUNKED_LOSS), 1));
        long bsv = 2L * 64 * 32000;
        long plainLogits = plain.phase(Phase.LOSS).components().get(Component.LOGITS);
        long chunkedLogits = chunked.phase(Phase.LOSS).components().get(Component.LOGITS);
        // plain (phase loss ends at backward()): bf16 logits + their fp32 upcast + the log-softmax output made while
        // the upcast is alive, (2 + 4 + 4) · b·s·v B
        assertEquals(bsv * (2 + 4 + 4), plainLogits);
        // chunked: at most all 8 chunks' bf16 logits + log-softmax outputs + one fp32 upcast chunk (6.5 · b·s·v B)
        assertTrue(chunkedLogits <= bsv * 2 + bsv * 4 + bsv * 4 / 8, chunkedLogits + " vs " + plainLogits);
        assertTrue(chunkedLogits < plainLogits);
    }
    @Test
    void compiledChunkedLossKeepsOnlyTheHalfChunksAndTwoFp32ValuesPerToken() {
        // V = 32000, b = 2, s = 64, 8 chunks of 8 tokens. torchtune compiles F.cross_entropy(chunk.float()) per
        // chunk: the partitioner saves the bf16 chunk and the row max and log-sum-exp (fp32 per token), and the
        // backward writes a bf16 gradient chunk. Loss-phase logits peak, by hand:
        //   all 8 bf16 chunks             b·s·V·2      = 2·64·32000·2 = 8,192,000 B
        //   row max + lse, fp32           2·b·s·4      = 2·2·64·4     =     1,024 B
        //   one bf16 gradient chunk       b·(s/8)·V·2  = 2·8·32000·2  = 1,024,000 B
        // = 9,217,024 B, every tensor a multiple of 512 B except the per-chunk reductions (2·8·4 = 64 B each, which
        // round to 512 B: 16 of them = 8,192 B instead of 1,024 B) -> 9,224,192 B.
        Inventory inv = TinyModels.inventory(TinyModels.llama(64, 2, 4, 2, 16, 128, 32000));
        Estimate eagerChunked = estimator.estimate(inv, train(Precision.BF16, Optimizer.ADAMW, 2, 64,
                Checkpointing.NONE, AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE,
                Set.of(RunOption.CHUNKED_LOSS), 1));
        Estimate compiled = estimator.estimate(inv, train(Precision.BF16, Optimizer.ADAMW, 2, 64,
                Checkpointing.NONE, AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE,
                Set.of(RunOption.CHUNKED_LOSS, RunOption.COMPILE), 1));
        long logits = compiled.phase(Phase.LOSS).components().get(Component.LOGITS);
        assertEquals(8_192_000L + 16 * 512 + 1_024_000L, logits);
        assertTrue(logits < eagerChunked.phase(Phase.LOSS).components().get(Component.LOGITS));
        assertTrue(compiled.notes().stream().anyMatch(n -> n.startsWith("chunked_loss + compile")));
    }
    @Test
    void fusedAdamWStepAddsNoTemporaryOverTheGradientsAndStates() {
        // bf16 full fine-tune, adamw: the foreach step holds sqrt(exp_avg_sq) for every parameter at once
        // (2 B per trainable parameter); fused=True holds nothing beyond weights, gradients and states.
        Inventory inv = TinyModels.tiny();
        Estimate foreach = estimator.estimate(inv, train(Precision.BF16, Optimizer.ADAMW, 1, 16, Checkpointing.NONE,
                AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(), 1));
        Estimate fused = estimator.estimate(inv, train(Precision.BF16, Optimizer.ADAMW, 1, 16, Checkpointing.NONE,
                AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(RunOption.FUSED_OPTIMIZER), 1));
        PhaseEstimate f = fused.phase(Phase.OPTIMIZER_STEP);
        assertTrue(foreach.phase(Phase.OPTIMIZER_STEP).components().get(Component.TEMPORARY)
                >= 2 * foreach.trainableParams());
        assertEquals(0L, f.components().getOrDefault(Component.TEMPORARY, 0L));
        assertEquals(foreach.phase(Phase.OPTIMIZER_STEP).components().get(Component.OPTIMIZER_STATES),
                f.components().get(Component.OPTIMIZER_STATES));
        assertTrue(fused.peak(Level.ALLOCATED).allocated() <= foreach.peak(Level.ALLOCATED).allocated());
    }
    @Test
    void gradientsZeroedInPlaceStayAllocatedThroughTheNextForward() {
        // fp32 full fine-tune with adamw: torch < 2.0's zero_grad(set_to_none=False) keeps one fp32 gradient per
        // trainable parameter (4 B each) alive into the second step; set_to_none=True (torch >= 2.0) frees them.
        Inventory inv = TinyModels.tiny();
        Estimate none = estimator.estimate(inv, train(Precision.FP32, Optimizer.ADAMW, 2, 16, Checkpointing.NONE,
                AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(), 1));
        Estimate zeroed = estimator.estimate(inv, train(Precision.FP32, Optimizer.ADAMW, 2, 16, Checkpointing.NONE,
                AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(RunOption.ZERO_GRAD_IN_PLACE), 1));
        long kept = zeroed.phase(Phase.SECOND_STEP).components().getOrDefault(Component.GRADIENTS, 0L);
        assertTrue(kept >= 4 * zeroed.trainableParams(), kept + " vs " + zeroed.trainableParams());
        assertTrue(zeroed.peak(Level.ALLOCATED).allocated() > none.peak(Level.ALLOCATED).allocated());
        // the first step is the same: nothing was there to keep yet
        assertEquals(none.phase(Phase.FORWARD).allocated(), zeroed.phase(Phase.FORWARD).allocated());
    }
    @Test
    void halfAdaptersKeepTheBaseInputButFp32AdaptersKeepAnFp32CopyOfIt() {
        // PEFT casts the input to lora_A's dtype (x.to(fp32): a b·s·h fp32 copy kept by A); torchtune/lit-gpt
        // adapters share the bf16 compute dtype, so A keeps the very tensor the base linear reads.
        Inventory inv = TinyModels.tiny();
        Finetune half = new Finetune(FinetuneMethod.LORA, 8, 16, List.of("q_proj", "v_proj"), null, DType.BF16);
        Finetune peft = new Finetune(FinetuneMethod.LORA, 8, 16, List.of("q_proj", "v_proj"), null);
        Estimate h = estimator.estimate(inv, train(Precision.BF16, Optimizer.ADAMW, 2, 16, Checkpointing.NONE,
                AttentionKernel.SDPA, half, Parallel.SINGLE, Set.of(), 1));
        Estimate f = estimator.estimate(inv, train(Precision.BF16, Optimizer.ADAMW, 2, 16, Checkpointing.NONE,
                AttentionKernel.SDPA, peft, Parallel.SINGLE, Set.of(), 1));
        assertFalse(h.phase(Phase.FORWARD).terms().stream().anyMatch(t -> t.name().contains("a_input")));
        assertTrue(f.phase(Phase.FORWARD).terms().stream().anyMatch(t -> t.name().contains("a_input")));
        assertTrue(h.phase(Phase.FORWARD).allocated() < f.phase(Phase.FORWARD).allocated());
    }
}
