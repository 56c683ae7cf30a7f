package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Compat;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.Inference;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.RunConfig.Task;
import dev.gpumem.input.BadInputException;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * DeepSpeed ZeRO's buffers, offload and NCCL's buffers on the tiny Llama (TinyModels.tiny): h 64, L 2, a 4, kv 2,
 * d 16, i 128, v 100; b 2, s 16; bf16 parameters and AdamW states. Trainable tensors per layer: q 64·64 = 4,096,
 * k and v 32·64 = 2,048 each, o 4,096, gate / up / down 128·64 = 8,192 each, two norms of 64: 36,992; two layers
 * 73,984, the embedding 6,400, the final norm 64, the LM head 6,400: 86,848 elements, the largest 8,192.
 */
class ZeroBuffersAndOffloadTest {
    private final Estimator estimator = new Estimator();

    private static RunConfig request(Framework fw, Parallel parallel, Long reduceBucket, Boolean contiguous,
                                     Long prefetch, Offload offload) {
        FrameworkSettings.Stated s = new FrameworkSettings.Stated(null, Checkpointing.NONE, null, null, null, null,
                null, reduceBucket, parallel.zero(), null, null, contiguous, prefetch, null, offload);
        FrameworkSettings.Resolved r = FrameworkSettings.resolve(fw, s, Precision.BF16, Optimizer.ADAMW,
                RunConfig.FinetuneMethod.FULL, parallel, Set.of());
        return new RunConfig("t", "tiny", Map.of(), Task.TRAIN, Precision.BF16, false, Optimizer.ADAMW, 2, 16, 1,
                r.checkpointing(), AttentionKernel.SDPA, Finetune.FULL, r.parallel(), r.options(),
                Inference.defaults(16), null, Compat.NONE, r.settings());
    }

    private Estimate deepspeed(int zero, Boolean contiguous, Long prefetch, Offload offload) {
        return estimator.estimate(TinyModels.tiny(), request(Framework.DEEPSPEED, new Parallel(2, zero, 1, 1), null,
                contiguous, prefetch, offload));
    }

    private static long named(PhaseEstimate p, String name) {
        return p.terms().stream().filter(t -> t.name().equals(name)).mapToLong(Term::bytes).sum();
    }

    private static long hostOf(Estimate e, Component c) {
        return e.host().stream().filter(t -> t.component() == c).mapToLong(Term::bytes).sum();
    }

    private static long peakDevice(Estimate e) {
        return e.peak(Level.DEVICE).device();
    }

    @Test
    void contiguousGradientsFalseDropsTheReduceBucketAtEveryStage() {
        // with contiguous_gradients (the default) ZeRO-2 holds 5e8 · 2 B = 1,000,000,000 B at backward
        assertEquals(1_000_000_000L, named(deepspeed(2, null, null, Offload.NONE).phase(Phase.BACKWARD),
                "gradients.deepspeed_ipg_bucket"));
        for (int zero = 1; zero <= 3; zero++) {
            Estimate e = deepspeed(zero, false, null, Offload.NONE);
            for (PhaseEstimate p : e.phases()) {
                assertEquals(0, named(p, "gradients.deepspeed_ipg_bucket"), "zero " + zero + " " + p.phase());
            }
        }
    }

    @Test
    void offloadingTheOptimizerMovesTheStatesToTheHostWithItsStagingBuffers() {
        Estimate on = deepspeed(2, null, null, Offload.NONE);
        Estimate off = deepspeed(2, null, null, Offload.OPTIMIZER);
        assertEquals(86_848, on.trainableParams());
        // AdamW: exp_avg and exp_avg_sq in bf16 over this rank's half of every (even-sized) tensor:
        // 2 states · 2 B · 86,848 / 2 = 173,696 B on the host, none on the device
        assertEquals(173_696, hostOf(off, Component.OPTIMIZER_STATES));
        assertEquals(0, off.phase(Phase.SECOND_STEP).components().getOrDefault(Component.OPTIMIZER_STATES, 0L));
        assertTrue(on.phase(Phase.SECOND_STEP).components().get(Component.OPTIMIZER_STATES) > 0);
        // the fp32 gradient partition on the host: 86,848 / 2 · 4 B = 173,696; the host staging buffer
        // largest_param_numel · 2 B = 8,192 · 2 = 16,384
        assertEquals(173_696 + 16_384, hostOf(off, Component.GRADIENTS));
        assertEquals(2 * 173_696 + 16_384, off.hostBytes());
        // the device twin of the staging buffer from load on (16,384 B, a multiple of 512)
        assertEquals(16_384, named(off.phase(Phase.LOAD), "gradients.deepspeed_offload_staging"));
        assertEquals(0, on.hostBytes());
    }

    @Test
    void offloadNeverIncreasesDeviceMemoryAndTheHostHoldsWhatLeft() {
        for (int zero = 1; zero <= 3; zero++) {
            Estimate on = deepspeed(zero, null, null, Offload.NONE);
            Estimate off = deepspeed(zero, null, null, Offload.OPTIMIZER);
            assertTrue(peakDevice(off) <= peakDevice(on), "zero " + zero);
            assertTrue(off.hostBytes() > 0);
        }
        Estimate on = deepspeed(3, null, null, Offload.NONE);
        Estimate optim = deepspeed(3, null, null, Offload.OPTIMIZER);
        Estimate all = deepspeed(3, null, null, Offload.OPTIMIZER_AND_PARAMS);
        assertTrue(peakDevice(all) <= peakDevice(optim) && peakDevice(optim) <= peakDevice(on));
        // offload_param adds the bf16 weight shards to the host: 86,848 / 2 · 2 B = 86,848 B
        assertEquals(86_848, all.hostBytes() - optim.hostBytes());
        assertEquals(0, all.phase(Phase.LOAD).components().getOrDefault(Component.WEIGHTS, 0L));
        // ZeRO-3 gradients on the host: the fp32 .grad of the fp32 partition, 86,848 / 2 · 4 B = 173,696, and
        // stage3.py's grad_partitions_flat_buffer in bf16 (the model dtype under ZeRO), 86,848 / 2 · 2 B = 86,848
        assertEquals(173_696 + 86_848, hostOf(optim, Component.GRADIENTS));
        Estimate fsdp = estimator.estimate(TinyModels.tiny(), request(Framework.FSDP1, new Parallel(2, 3, 1, 1),
                null, null, null, Offload.OPTIMIZER_AND_PARAMS));
        assertTrue(fsdp.hostBytes() > 0);
    }

    @Test
    void offloadAFrameworkCannotDoIsAnErrorNamingTheField() {
        BadInputException fsdp = assertThrows(BadInputException.class, () -> request(Framework.FSDP1,
                new Parallel(2, 3, 1, 1), null, null, null, Offload.OPTIMIZER));
        assertTrue(fsdp.getMessage().startsWith("offload:"));
        BadInputException zero2 = assertThrows(BadInputException.class, () -> request(Framework.DEEPSPEED,
                new Parallel(2, 2, 1, 1), null, null, null, Offload.OPTIMIZER_AND_PARAMS));
        assertTrue(zero2.getMessage().startsWith("offload:"));
        BadInputException hf = assertThrows(BadInputException.class, () -> request(Framework.HF,
                new Parallel(2, 2, 1, 1), null, true, null, Offload.NONE));
        assertTrue(hf.getMessage().contains("contiguous_gradients"));
    }

    @Test
    void aLargerPrefetchBucketNeverHoldsLessAndHoldsMoreInBackward() {
        long none = deepspeed(3, null, 0L, Offload.NONE).phase(Phase.FORWARD).allocated();
        long one = deepspeed(3, null, 1L, Offload.NONE).phase(Phase.FORWARD).allocated();
        long all = deepspeed(3, null, 1_000_000L, Offload.NONE).phase(Phase.FORWARD).allocated();
        assertTrue(none <= one && one <= all, none + " " + one + " " + all);
        // backward gathers block i and prefetches from block i-1 on: a budget covering the whole model holds the
        // previous block's parameters beside the current one's at its peak; no prefetch holds only the current one
        long bwNone = deepspeed(3, null, 0L, Offload.NONE).phase(Phase.BACKWARD).allocated();
        long bwAll = deepspeed(3, null, 1_000_000L, Offload.NONE).phase(Phase.BACKWARD).allocated();
        assertTrue(bwNone < bwAll, bwNone + " " + bwAll);
    }

    @Test
    void ncclBuffersAddOneCommunicatorPerParallelGroupToTheDeviceLevelOnly() {
        // per communicator: 2 channels · (Simple 4,194,304 + LL 8·512·8·16 = 524,288 + LL128 120·640·8·8 = 4,915,200)
        // = 2 · 9,633,792 = 19,267,584 B
        long perGroup = 19_267_584L;
        long context = estimator.calibrationFor(null).contextBytes();
        Estimate single = estimator.estimate(TinyModels.tiny(), request(Framework.HF, Parallel.SINGLE, null, null,
                null, Offload.NONE));
        Estimate dp = estimator.estimate(TinyModels.tiny(), request(Framework.HF, new Parallel(2, 0, 1, 1), null,
                null, null, Offload.NONE));
        Estimate dpTp = estimator.estimate(TinyModels.tiny(), request(Framework.HF, new Parallel(2, 0, 2, 1), null,
                null, null, Offload.NONE));
        for (Phase ph : new Phase[] {Phase.LOAD, Phase.BACKWARD, Phase.SECOND_STEP}) {
            assertEquals(context, single.phase(ph).device() - single.phase(ph).reserved());
            assertEquals(context + perGroup, dp.phase(ph).device() - dp.phase(ph).reserved());
            assertEquals(context + 2 * perGroup, dpTp.phase(ph).device() - dpTp.phase(ph).reserved());
        }
        assertEquals(dp.outsideAllocator().size(), 1);
        assertTrue(single.outsideAllocator().isEmpty());
    }
}
