package dev.gpumem.estimate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.ModelCode;
import dev.gpumem.estimate.RunConfig.SequenceParallel;
import dev.gpumem.estimate.ops.BlockProgram.Instr;
import dev.gpumem.estimate.ops.BlockSpec.BaseWeights;
import dev.gpumem.estimate.timeline.TensorKind;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.Head;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.Moe;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Architecture.Quantization;
import dev.gpumem.model.Architecture.StackKind;
import dev.gpumem.units.DType;
import java.util.OptionalDouble;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The all-to-all token dispatch of expert parallelism on one MoE block, by hand arithmetic. */
class ExpertDispatchOpsTest {
    // h 64, 8 experts, top-2, expert inner size 128, fp32; b 1, s 8: b·s·k = 16 routed rows; rows·h = 1024 floats
    private static final Architecture MOE = new Architecture("mixtral", StackKind.DECODER_ONLY, 64, 1, 0, 2, 2, 32,
            128, 100, 512, NormKind.RMS_NORM, MlpKind.GATED, Activation.SILU, PositionKind.ROPE, false, false, false,
            false, 0.0, 0.0, new Moe(8, 2, 128, 0, 0), Head.causalLm(), Quantization.NONE, DType.FP32);

    private static long bytesOf(BlockProgram p, String name, boolean backward) {
        long sum = 0;
        for (Instr i : backward ? p.backward() : p.forward()) {
            if (i.op() == BlockProgram.Op.ALLOC) {
                TensorKind k = p.slotKinds().get(i.slot());
                if (k.name().equals(name)) {
                    sum += k.bytes();
                }
            }
        }
        return sum;
    }

    private static BlockProgram program(int ep, OptionalDouble capacity) {
        BlockSpec spec = new BlockSpec(MOE, DType.FP32, DType.FP32, BlockSpec.Autocast.OFF, AttentionKernel.SDPA,
                BaseWeights.TRAINED, Set.of(), 1, DType.FP32, BlockSpec.Execution.EAGER, ModelCode.HF, 0.0);
        return DecoderBlockOps.program(spec, Dims.of(MOE, 1, 8, 1, SequenceParallel.OFF, 1)
                .withExperts(ep, capacity));
    }

    @Test
    void expertParallelismSendsAndReceivesTheRoutedRows() {
        BlockProgram p = program(4, OptionalDouble.empty());
        // 16 rows x 64 x 4 B = 4096 B each way, forward and backward
        assertEquals(4096L, bytesOf(p, "ep.dispatch_permuted_sent", false));
        assertEquals(4096L, bytesOf(p, "ep.combine_received", false));
        assertEquals(4096L, bytesOf(p, "ep.grad_rows_sent", true));
        assertEquals(4096L, bytesOf(p, "ep.grad_rows_received", true));
        assertEquals(4096L, bytesOf(p, "moe.expert_input", false));
        assertEquals(0L, bytesOf(program(1, OptionalDouble.empty()), "ep.combine_received", false));
    }

    @Test
    void aCapacityFactorSizesTheRowsAsEveryExpertPaddedToCapacity() {
        // factor 1.5: cap = ⌈1.5 · 16 / 8⌉ = 3 rows per expert, E·cap = 24 rows: 24 x 64 x 4 B = 6144 B;
        // the expert gate output 24 x 128 x 4 B = 12288 B
        BlockProgram p = program(1, OptionalDouble.of(1.5));
        assertEquals(6144L, bytesOf(p, "moe.expert_input", false));
        assertEquals(12288L, bytesOf(p, "moe.expert_gate_out", false));
        // dropless: 16 rows
        assertEquals(8192L, bytesOf(program(1, OptionalDouble.empty()), "moe.expert_gate_out", false));
    }
}
