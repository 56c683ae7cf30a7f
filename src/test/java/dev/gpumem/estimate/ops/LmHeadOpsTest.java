package dev.gpumem.estimate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.TinyModels;
import dev.gpumem.estimate.timeline.TensorKind;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.HeadKind;
import dev.gpumem.units.DType;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LmHeadOpsTest {
    // V = 32000, b = 2, s = 64: one chunk of 8 tokens is b·(s/8)·V = 512,000 elements
    private static final Architecture ARCH = TinyModels.llama(64, 2, 4, 2, 16, 128, 32000);
    private static final Dims DIMS = Dims.of(ARCH, 2, 64, 1);

    private static HeadProgram head(boolean compiled) {
        BlockSpec spec = new BlockSpec(ARCH, DType.BF16, DType.BF16, BlockSpec.Autocast.OFF, AttentionKernel.SDPA,
                BlockSpec.BaseWeights.TRAINED, Set.of(), 1, DType.BF16,
                compiled ? BlockSpec.Execution.COMPILED : BlockSpec.Execution.EAGER,
                dev.gpumem.estimate.RunConfig.ModelCode.HF, 0.0);
        return LmHeadOps.program(spec, DIMS, HeadKind.CAUSAL_LM, 0, true, compiled);
    }

    private static long fp32ChunkTensors(HeadProgram p) {
        return p.slotKinds().stream().filter(k -> k.bytes() == 512_000L * 4).count();
    }

    @Test
    void eagerChunkedLossKeepsAnFp32LogSoftmaxOutputPerChunk() {
        // per chunk: fp32 upcast, fp32 log_softmax output (kept), and in backward nll and log_softmax gradients
        HeadProgram eager = head(false);
        assertTrue(fp32ChunkTensors(eager) >= 8, "eager keeps one fp32 chunk per chunk at least");
    }

    @Test
    void compiledChunkedLossKeepsNoFp32ChunkAndOnlyTwoFp32ValuesPerToken() {
        // torchtune compiles compute_cross_entropy: the partitioner saves the bf16 chunk (graph input) and the row
        // max and log-sum-exp (2 · b · s/8 fp32 = 2 · 2 · 8 · 4 B = 128 B per chunk); the backward kernel writes a
        // bf16 gradient chunk (512,000 · 2 B = 1,024,000 B).
        HeadProgram compiled = head(true);
        assertEquals(0, fp32ChunkTensors(compiled));
        long reductions = compiled.slotKinds().stream().filter(k -> k.name().startsWith("loss.chunk_")).count();
        assertEquals(16, reductions);
        for (TensorKind k : compiled.slotKinds()) {
            if (k.name().startsWith("loss.chunk_")) {
                assertEquals(2L * 8 * 4, k.bytes(), k.name());
            }
        }
        long grads = compiled.slotKinds().stream().filter(k -> k.name().equals("grad.logits_chunk")).count();
        assertEquals(8, grads);
        assertFalse(compiled.slotKinds().stream().anyMatch(k -> k.name().equals("loss.chunk_log_softmax_out")));
    }

    @Test
    void aChunkedHeadHandsInOneMatrixGradientPerChunkAndOneInputGradientChunkEach() {
        // torchtune's chunked_output applies the head to each of the 8 chunks: the first chunk's matmul backward
        // buffers the v·h gradient (PARAM_GRADS), the 7 others each add a transient one (PARAM_GRADS_AGAIN); each
        // makes an input-gradient chunk of b·(s/8)·h·2 B = 2·8·64·2 = 2,048 B, and frees its logit gradient before
        // the next chunk's backward
        for (boolean compiled : new boolean[] {false, true}) {
            HeadProgram p = head(compiled);
            long first = p.backward().stream().filter(i -> i.op() == BlockProgram.Op.PARAM_GRADS).count();
            long again = p.backward().stream().filter(i -> i.op() == BlockProgram.Op.PARAM_GRADS_AGAIN).count();
            assertEquals(1, first);
            assertEquals(7, again);
            long inputChunks = p.slotKinds().stream().filter(k -> k.name().equals("grad.head_input_chunk")).count();
            assertEquals(8, inputChunks);
            p.slotKinds().stream().filter(k -> k.name().equals("grad.head_input_chunk"))
                    .forEach(k -> assertEquals(2_048L, k.bytes()));
            // between two matrix gradients exactly one logit-gradient chunk is freed
            int frees = 0;
            boolean started = false;
            for (BlockProgram.Instr i : p.backward()) {
                if (i.op() == BlockProgram.Op.PARAM_GRADS || i.op() == BlockProgram.Op.PARAM_GRADS_AGAIN) {
                    if (started) {
                        assertEquals(1, frees, "compiled=" + compiled);
                    }
                    started = true;
                    frees = 0;
                } else if (started && i.op() == BlockProgram.Op.FREE
                        && p.slotKinds().get(i.slot()).name().startsWith("grad.logits")) {
                    frees++;
                }
            }
        }
    }
}
