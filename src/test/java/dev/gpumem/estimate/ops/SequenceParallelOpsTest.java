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
 * intermediates) are unchanged. What the column-parallel linears keep depends on whose linears run: Megatron-Core's
 * keep the norm output's shard (the all-gathered input is a transient), torch DTensor's (torchtitan) the gathered
 * input itself (the shard is the transient).
 */
class SequenceParallelOpsTest {
    // The toy block of DecoderBlockOpsTest: h 64, a = kv = 2 heads of d 32, i 128, fp32, no dropout; b 1, s 8, t 2.
    // Outside the region: b·s·h = 512 el = 2048 B without SP, b·(s/t)·h = 256 el = 1024 B with it; an RMSNorm's
    // rstd b·s fp32 = 32 B, b·(s/t) = 16 B. Inside: per rank a/t = kv/t = 1 head: b·s·1·d = 256 el = 1024 B;
    // i/t = 64: b·s·64 = 512 el = 2048 B; SDPA's logsumexp b·(a/t)·s fp32 = 32 B.
    private static final Architecture TOY = DecoderBlockOpsTest.toy(NormKind.RMS_NORM, MlpKind.GATED,
            Activation.SILU);

    private static Map<String, Long> held(SequenceParallel sp, ModelCode code) {
        BlockProgram p = DecoderBlockOps.program(spec(code), Dims.of(TOY, 1, 8, 2, sp));
        return HeldAtForwardEnd.of(p);
    }

    @Test
    void theNormsAndTheResidualHoldSOverTTokensWithSequenceParallelism() {
        Map<String, Long> off = held(SequenceParallel.OFF, ModelCode.MEGATRON);
        Map<String, Long> on = held(SequenceParallel.ON, ModelCode.MEGATRON);
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
    void dtensorLinearsKeepTheGatheredInputAndNotTheShard() {
        Map<String, Long> off = held(SequenceParallel.OFF, ModelCode.HF);
        Map<String, Long> on = held(SequenceParallel.ON, ModelCode.HF);
        // the norm output's shard dies at the all-gather; q/k/v and gate/up save the gathered b·s·h = 2048 B each,
        // one per norm (the three projections of a norm share one gathered tensor)
        assertNull(on.get("norm.out"));
        assertEquals(2 * 2048L, on.get("sp.gathered_input"));
        assertEquals(2 * 16L, on.get("norm.rstd"));
        assertEquals(2 * 1024L, on.get("norm.normalized_fp32"));
        assertEquals(1024L, on.get("hidden.residual"));
        // total saved: outside 2·16 + 2·1024 + 1024 = 3104 and the gathered 4096, against 10304 without SP and
        // 5152 with Megatron's shards
        long inside = 4 * 1024 + 32 + 4 * 2048;
        assertEquals(3104 + 4096 + inside, total(on));
        assertEquals(10304 + inside, total(off));
        assertTrue(total(on) < total(off));
        assertTrue(total(held(SequenceParallel.ON, ModelCode.MEGATRON)) < total(on));
    }

    @Test
    void onlyMegatronsLinearsGatherTheirInputAgainInBackward() {
        // one re-gathered b·s·h input per part (attention, MLP) for Megatron's weight gradients; DTensor kept it
        assertEquals(2, backwardAllocs(ModelCode.MEGATRON, "sp.regathered_input"));
        assertEquals(0, backwardAllocs(ModelCode.HF, "sp.regathered_input"));
        // the row-parallel linears' output gradient is all-gathered under both
        assertEquals(2, backwardAllocs(ModelCode.MEGATRON, "sp.gathered_grad_output"));
        assertEquals(2, backwardAllocs(ModelCode.HF, "sp.gathered_grad_output"));
    }

    @Test
    void theLmHeadKeepsTheGatheredInputUnderDtensorAndTheShardUnderMegatron() {
        // head input b·s·h = 1·8·64 fp32 = 2048 B gathered, its shard b·(s/t)·h = 1024 B
        Map<String, Long> dtensor = HeldAtForwardEnd.of(head(ModelCode.HF));
        assertEquals(2048L, dtensor.get("sp.gathered_input"));
        assertNull(dtensor.get("norm.out"));
        Map<String, Long> megatron = HeldAtForwardEnd.of(head(ModelCode.MEGATRON));
        assertNull(megatron.get("sp.gathered_input"));
        assertEquals(1024L, megatron.get("norm.out"));
        long regathered = head(ModelCode.MEGATRON).backward().stream()
                .filter(i -> i.op() == BlockProgram.Op.ALLOC)
                .filter(i -> head(ModelCode.MEGATRON).slotKinds().get(i.slot()).name().equals("sp.regathered_input"))
                .count();
        assertEquals(1, regathered);
    }

    private static HeadProgram head(ModelCode code) {
        return LmHeadOps.program(spec(code), Dims.of(TOY, 1, 8, 2, SequenceParallel.ON),
                Architecture.HeadKind.CAUSAL_LM, 0, false, false);
    }

    private static BlockSpec spec(ModelCode code) {
        return new BlockSpec(TOY, DType.FP32, DType.FP32, BlockSpec.Autocast.OFF, AttentionKernel.SDPA,
                BaseWeights.TRAINED, Set.of(), 1, DType.FP32, BlockSpec.Execution.EAGER, code, 0.0);
    }

    private static long backwardAllocs(ModelCode code, String name) {
        BlockProgram p = DecoderBlockOps.program(spec(code), Dims.of(TOY, 1, 8, 2, SequenceParallel.ON));
        return p.backward().stream().filter(i -> i.op() == BlockProgram.Op.ALLOC)
                .filter(i -> p.slotKinds().get(i.slot()).name().equals(name)).count();
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
