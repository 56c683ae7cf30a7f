package dev.gpumem.estimate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.ModelCode;
import dev.gpumem.estimate.RunConfig.SequenceParallel;
import dev.gpumem.estimate.ops.BlockSpec.BaseWeights;
import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.units.DType;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Sequence parallelism on one block, by hand arithmetic (Korthikanti et al. 2022, §4.2.2): the tensors outside the
 * tensor-parallel region (norms, residual adds) hold s/t tokens, those inside it (q, k, v, attention, MLP
 * intermediates) are unchanged, and the all-gathered linear input is a transient (Megatron keeps the shard).
 */
class SequenceParallelOpsTest {
    // The toy block of DecoderBlockOpsTest: h 64, a = kv = 2 heads of d 32, i 128, fp32, no dropout; b 1, s 8, t 2.
    // Outside the region: b·s·h = 512 el = 2048 B without SP, b·(s/t)·h = 256 el = 1024 B with it; an RMSNorm's
    // rstd b·s fp32 = 32 B, b·(s/t) = 16 B. Inside: per rank a/t = kv/t = 1 head: b·s·1·d = 256 el = 1024 B;
    // i/t = 64: b·s·64 = 512 el = 2048 B; SDPA's logsumexp b·(a/t)·s fp32 = 32 B.
    private static final Architecture TOY = DecoderBlockOpsTest.toy(NormKind.RMS_NORM, MlpKind.GATED,
            Activation.SILU);

    private static Map<String, Long> held(SequenceParallel sp) {
        BlockSpec spec = new BlockSpec(TOY, DType.FP32, DType.FP32, BlockSpec.Autocast.OFF, AttentionKernel.SDPA,
                BaseWeights.TRAINED, Set.of(), 1, DType.FP32, BlockSpec.Execution.EAGER, ModelCode.HF, 0.0);
        BlockProgram p = DecoderBlockOps.program(spec, Dims.of(TOY, 1, 8, 2, sp));
        return HeldAtForwardEnd.of(p);
    }

    @Test
    void theNormsAndTheResidualHoldSOverTTokensWithSequenceParallelism() {
        Map<String, Long> off = held(SequenceParallel.OFF);
        Map<String, Long> on = held(SequenceParallel.ON);
        // two RMSNorms: rstd, x̂ (the weight trains) and the output kept by the next linears, each b·s·h -> b·(s/t)·h
        assertEquals(2 * 32L, off.get("norm.rstd"));
        assertEquals(2 * 16L, on.get("norm.rstd"));
        assertEquals(2 * 2048L, off.get("norm.normalized_fp32"));
        assertEquals(2 * 1024L, on.get("norm.normalized_fp32"));
        assertEquals(2 * 2048L, off.get("norm.out"));
        assertEquals(2 * 1024L, on.get("norm.out"));     // the shard: Megatron saves input, not total_input
        // x + attn(x), the MLP norm's input: b·s·h -> b·(s/t)·h
        assertEquals(2048L, off.get("hidden.residual"));
        assertEquals(1024L, on.get("hidden.residual"));
        // inside the region nothing changes: one head per rank, i/t = 64
        for (String inside : new String[] {"attn.q_rope", "attn.k_rope", "attn.v", "attn.sdpa_out"}) {
            assertEquals(1024L, off.get(inside), inside);
            assertEquals(1024L, on.get(inside), inside);
        }
        assertEquals(32L, on.get("attn.logsumexp"));
        for (String inside : new String[] {"mlp.gate_out", "mlp.act_out", "mlp.up_out", "mlp.act_times_up"}) {
            assertEquals(2048L, on.get(inside), inside);
        }
        // the gathered inputs and the row-parallel partial sums are transients
        assertNull(on.get("sp.gathered_input"));
        // total saved: off 2·32 + 2·2048 + 2·2048 + 2048 = 10304 outside; on 2·16 + 2·1024 + 2·1024 + 1024 = 5152
        long inside = 4 * 1024 + 32 + 4 * 2048;
        assertEquals(10304 + inside, total(off));
        assertEquals(5152 + inside, total(on));
    }

    @Test
    void sequenceParallelismNeedsTheSequenceToDivideByT() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> Dims.of(TOY, 1, 7, 2, SequenceParallel.ON));
        assertTrue(e.getMessage().startsWith("parallel.sequence_parallel:"), e.getMessage());
    }

    @Test
    void withoutSequenceParallelismTheOutsideSequenceIsS() {
        Dims d = Dims.of(TOY, 1, 8, 2, SequenceParallel.OFF);
        assertEquals(8, d.st().value());
        assertTrue(!d.sequenceSplit());
        assertEquals(4, Dims.of(TOY, 1, 8, 2, SequenceParallel.ON).st().value());
    }

    private static long total(Map<String, Long> held) {
        return held.values().stream().mapToLong(Long::longValue).sum();
    }
}
