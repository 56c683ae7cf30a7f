package dev.gpumem.estimate.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Estimate.AccelerateNumbers;
import dev.gpumem.estimate.RunConfig.Task;
import dev.gpumem.estimate.compat.AccelerateCompat.AccelerateDtype;
import dev.gpumem.estimate.compat.AccelerateCompat.BufferConvention;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.Head;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.Moe;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Architecture.Quantization;
import dev.gpumem.model.Architecture.StackKind;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.InventoryBuilder;
import dev.gpumem.units.ByteFormat;
import dev.gpumem.units.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expected numbers are the hand arithmetic of accelerate's estimate_training_usage (written out in AccelerateCompat) for
 * meta-llama/Llama-2-7b as the hf-accelerate/model-memory-usage Space printed it (transformers 4.31–4.37).
 */
class AccelerateCompatTest {
    /** meta-llama/Llama-2-7b-hf config.json, written out by hand */
    static Architecture llama2_7b() {
        return new Architecture("llama", StackKind.DECODER_ONLY, 4096, 32, 0, 32, 32, 128, 11008, 32000, 4096,
                NormKind.RMS_NORM, MlpKind.GATED, Activation.SILU, PositionKind.ROPE, false, false, false, false,
                0.0, 0.0, Moe.NONE, Head.causalLm(), Quantization.NONE, DType.FP16);
    }

    static Inventory llama2_7bInventory() {
        return InventoryBuilder.decoder("llama-2-7b (hand-written)", llama2_7b(), List.of());
    }

    // decoder layer: 4·4096² (q,k,v,o) + 3·4096·11008 (gate, up, down) + 2·4096 (two RMSNorms)
    static final long LAYER_PARAMS = 4L * 4096 * 4096 + 3L * 4096 * 11008 + 2L * 4096;           // 202,383,360
    // per layer RoPE buffers of transformers 4.31-4.37: cos_cached + sin_cached [4096, 128] + inv_freq [64]
    static final long LAYER_BUFFERS = 2L * 4096 * 128 + 64;                                     // 1,048,640
    // LlamaModel (no lm_head): embed_tokens + 32 layers + final norm
    static final long MODEL_PARAMS = 32000L * 4096 + 32 * LAYER_PARAMS + 4096;                   // 6,607,343,616
    static final long BUFFERS = 32 * LAYER_BUFFERS;                                             // 33,556,480
    static final long FP32_TOTAL = (MODEL_PARAMS + BUFFERS) * 4;                                // 26,563,600,384

    @Test
    void handArithmeticMatchesThePublishedCounts() {
        assertEquals(202_383_360L, LAYER_PARAMS);
        assertEquals(1_048_640L, LAYER_BUFFERS);
        assertEquals(6_607_343_616L, MODEL_PARAMS);
        assertEquals(33_556_480L, BUFFERS);
        assertEquals(26_563_600_384L, FP32_TOTAL);
    }

    @Test
    void llama2_7bFloat16PrintsWhatTheSpacePrinted() {
        AccelerateNumbers a = AccelerateCompat.estimate(llama2_7bInventory(), AccelerateDtype.FLOAT16,
                BufferConvention.TRANSFORMERS_4_31_TO_4_37);
        assertEquals(FP32_TOTAL / 2, a.totalBytes());
        assertEquals((LAYER_PARAMS + LAYER_BUFFERS) * 4 / 2, a.largestLayerBytes());
        assertEquals(406_864_000L, a.largestLayerBytes());
        assertEquals(FP32_TOTAL, a.modelStage());
        assertEquals(FP32_TOTAL + FP32_TOTAL / 2, a.gradientStage());
        assertEquals(2 * FP32_TOTAL, a.backwardStage());
        assertEquals(2 * FP32_TOTAL, a.optimizerStage());
        assertEquals(2 * FP32_TOTAL, a.trainingPeakBytes());
        // as printed (its "MB"/"GB" are MiB/GiB)
        assertEquals("388.02 MiB", ByteFormat.mib(a.largestLayerBytes()));
        assertEquals("12.37 GiB", ByteFormat.gib(a.totalBytes()));
        assertEquals("49.48 GiB", ByteFormat.gib(a.trainingPeakBytes()));
        assertEquals("24.74 GiB", ByteFormat.gib(a.modelStage()));
        assertEquals("37.11 GiB", ByteFormat.gib(a.gradientStage()));
        assertEquals("49.48 GiB", ByteFormat.gib(a.backwardStage()));
        assertEquals("49.48 GiB", ByteFormat.gib(a.optimizerStage()));
    }

    @Test
    void bfloat16DividesLikeFloat16() {
        Inventory inv = llama2_7bInventory();
        AccelerateNumbers h = AccelerateCompat.estimate(inv, AccelerateDtype.FLOAT16, BufferConvention.TRANSFORMERS_4_31_TO_4_37);
        AccelerateNumbers b = AccelerateCompat.estimate(inv, AccelerateDtype.BFLOAT16, BufferConvention.TRANSFORMERS_4_31_TO_4_37);
        assertEquals(h, b);
    }

    @Test
    void float32TrainingPeakIsTheStepAtSixteenBytesPerFp32Byte() {
        AccelerateNumbers a = AccelerateCompat.estimate(llama2_7bInventory(), AccelerateDtype.FLOAT32,
                BufferConvention.TRANSFORMERS_4_31_TO_4_37);
        assertEquals(FP32_TOTAL, a.totalBytes());
        assertEquals(FP32_TOTAL, a.modelStage());
        assertEquals(FP32_TOTAL, a.gradientStage());
        assertEquals(2 * FP32_TOTAL, a.backwardStage());
        assertEquals(4 * FP32_TOTAL, a.optimizerStage());
        assertEquals(4 * FP32_TOTAL, a.trainingPeakBytes());
    }

    @Test
    void int4DividesByEightAndHasNoTrainingNumbers() {
        AccelerateNumbers a = AccelerateCompat.estimate(llama2_7bInventory(), AccelerateDtype.INT4,
                BufferConvention.TRANSFORMERS_4_31_TO_4_37);
        assertEquals(FP32_TOTAL / 8, a.totalBytes());
        assertEquals(-1, a.trainingPeakBytes());
        assertEquals(-1, a.modelStage());
    }

    @Test
    void laterTransformersKeepOnlyOneInvFreqAndPrintSmallerNumbers() {
        // notes §1.3: with the model-level rotary module the same arithmetic gives 12.31 GB, 386.02 MB, 49.23 GB
        AccelerateNumbers a = AccelerateCompat.estimate(llama2_7bInventory(), AccelerateDtype.FLOAT16,
                BufferConvention.MODEL_LEVEL_INV_FREQ);
        long fp32 = (MODEL_PARAMS + 64) * 4;
        assertEquals(fp32 / 2, a.totalBytes());
        assertEquals(LAYER_PARAMS * 4 / 2, a.largestLayerBytes());
        assertEquals("12.31 GiB", ByteFormat.gib(a.totalBytes()));
        assertEquals("386.02 MiB", ByteFormat.mib(a.largestLayerBytes()));
        assertEquals("49.23 GiB", ByteFormat.gib(a.trainingPeakBytes()));
    }

    @Test
    void theUntiedLmHeadIsLeftOutAndSaidSo() {
        Inventory inv = llama2_7bInventory();
        assertEquals(MODEL_PARAMS + 32000L * 4096, inv.parameterCount()); // 6,738,415,616 published
        AccelerateNumbers a = AccelerateCompat.estimate(inv, AccelerateDtype.FLOAT16,
                BufferConvention.TRANSFORMERS_4_31_TO_4_37);
        assertTrue(a.leftOut().stream().anyMatch(s -> s.contains("lm_head") && s.contains("131,072,000")), a.leftOut()::toString);
        assertTrue(a.leftOut().stream().anyMatch(s -> s.contains("activations")));
        assertTrue(a.leftOut().stream().anyMatch(s -> s.contains("logits")));
        assertTrue(a.leftOut().stream().anyMatch(s -> s.contains("CUDA context")));
    }

    @Test
    void taskHeadsOutsideTheBareModelAreNotCounted() {
        Inventory base = llama2_7bInventory();
        java.util.List<dev.gpumem.model.TensorSpec> tensors = new java.util.ArrayList<>(base.tensors());
        tensors.add(dev.gpumem.model.TensorSpec.of("cls.predictions.transform.LayerNorm.weight", DType.FP32,
                dev.gpumem.model.ParamGroup.NORM, -1, 4096));
        tensors.add(dev.gpumem.model.TensorSpec.of("score.weight", DType.FP32, dev.gpumem.model.ParamGroup.TASK_HEAD, -1,
                2, 4096));
        tensors.add(dev.gpumem.model.TensorSpec.of("model.pooler.dense.weight", DType.FP32,
                dev.gpumem.model.ParamGroup.TASK_HEAD, -1, 16, 16));
        Inventory withHeads = new Inventory("x", base.architecture(), tensors, List.of());
        long withPooler = AccelerateCompat.estimate(withHeads, AccelerateDtype.FLOAT32,
                BufferConvention.TRANSFORMERS_4_31_TO_4_37).totalBytes();
        assertEquals(FP32_TOTAL + 16 * 16 * 4, withPooler);
    }

    @Test
    void theBufferNoteGivesTheLaterConventionsNumbers() {
        String note = AccelerateCompat.bufferNote(llama2_7bInventory(), AccelerateDtype.FLOAT16, Task.TRAIN)
                .orElseThrow();
        // 32 layers · (2·4096·128) fp32 cos/sin values, halved for float16 = 64 MiB (inv_freq: 32·64 - 64 values)
        assertTrue(note.contains("4096 positions: " + ByteFormat.human((BUFFERS - 64) * 4 / 2)), note);
        assertTrue(note.contains("total 12.31 GiB, largest layer 386.02 MiB, Adam peak 49.23 GiB"), note);
    }

    @Test
    void theBufferNoteOfAnInferenceRequestGivesNoAdamPeak() {
        String note = AccelerateCompat.bufferNote(llama2_7bInventory(), AccelerateDtype.FLOAT16, Task.INFERENCE)
                .orElseThrow();
        assertTrue(note.endsWith("total 12.31 GiB, largest layer 386.02 MiB"), note);
        assertFalse(note.contains("Adam"), note);
    }

    @Test
    void totalIsLinearInLayers() {
        Architecture two = llama2_7b().withNumLayers(2);
        Architecture four = llama2_7b().withNumLayers(4);
        long t2 = AccelerateCompat.estimate(InventoryBuilder.decoder("2", two, List.of()), AccelerateDtype.FLOAT32,
                BufferConvention.TRANSFORMERS_4_31_TO_4_37).totalBytes();
        long t4 = AccelerateCompat.estimate(InventoryBuilder.decoder("4", four, List.of()), AccelerateDtype.FLOAT32,
                BufferConvention.TRANSFORMERS_4_31_TO_4_37).totalBytes();
        assertEquals(2 * (LAYER_PARAMS + LAYER_BUFFERS) * 4, t4 - t2);
    }
}
