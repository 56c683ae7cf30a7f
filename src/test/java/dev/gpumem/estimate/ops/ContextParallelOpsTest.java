package dev.gpumem.estimate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.ModelCode;
import dev.gpumem.estimate.RunConfig.SequenceParallel;
import dev.gpumem.estimate.ops.BlockProgram.Instr;
import dev.gpumem.estimate.ops.BlockSpec.BaseWeights;
import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.units.DType;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Context parallelism (ring attention) on one block, by hand arithmetic: every tensor holds s/cp tokens, and the
 * ring's buffers (torch _attention.py @f2127db) are forward transients.
 */
class ContextParallelOpsTest {
    // The toy block of DecoderBlockOpsTest: h 64, a = kv = 2 heads of d 32, i 128, fp32, no dropout; b 1, s 8.
    private static final Architecture TOY = DecoderBlockOpsTest.toy(NormKind.RMS_NORM, MlpKind.GATED,
            Activation.SILU);

    private static BlockProgram program(int cp) {
        BlockSpec spec = new BlockSpec(TOY, DType.FP32, DType.FP32, BlockSpec.Autocast.OFF, AttentionKernel.SDPA,
                BaseWeights.TRAINED, Set.of(), 1, DType.FP32, BlockSpec.Execution.EAGER, ModelCode.HF, 0.0);
        return DecoderBlockOps.program(spec, Dims.of(TOY, 1, 8, 1, SequenceParallel.OFF, cp));
    }

    /** @return bytes held when the forward ends (input and output not counted) */
    private static long held(BlockProgram p) {
        Set<Integer> live = new HashSet<>();
        for (Instr i : p.forward()) {
            switch (i.op()) {
                case ALLOC -> live.add(i.slot());
                case FREE -> live.remove(i.slot());
                default -> { }
            }
        }
        live.remove(p.output());
        return live.stream().mapToLong(s -> p.slotKinds().get(s).bytes()).sum();
    }

    /** @return the most bytes of cp.* tensors live at once in the forward */
    private static long ringPeak(BlockProgram p) {
        long now = 0;
        long peak = 0;
        for (Instr i : p.forward()) {
            if (i.slot() < 0 || !p.slotKinds().get(i.slot()).name().startsWith("cp.")) {
                continue;
            }
            switch (i.op()) {
                case ALLOC -> now += p.slotKinds().get(i.slot()).bytes();
                case FREE -> now -= p.slotKinds().get(i.slot()).bytes();
                default -> { }
            }
            peak = Math.max(peak, now);
        }
        return peak;
    }

    @Test
    void everySavedTensorHoldsSOverCpTokens() {
        // cp 1 (DecoderBlockOpsTest): 7·b·s·h + 2·b·s·h + 4·b·s·i floats + 2 rstd (b·s fp32) + logsumexp (b·a·s fp32)
        // = 9·2048 + 4·4096 + 2·32 + 64 = 34944 B; with cp 2 each rank holds s = 4 tokens of every one: half
        assertEquals(34944L, held(program(1)));
        assertEquals(34944L / 2, held(program(2)));
        assertEquals(34944L / 4, held(program(4)));
    }

    @Test
    void theRingsBuffersAreForwardTransients() {
        // cp 2, local s = 4: the k/v chunk sent and the one received, b·s·kv·(d + dv) = 4·2·64 floats = 2048 B each;
        // the fp32 output accumulator b·s·a·d = 256 floats = 1024 B and logsumexp b·a·s = 8 floats = 32 B
        assertEquals(2048L + 2048 + 1024 + 32, ringPeak(program(2)));
        assertEquals(0L, ringPeak(program(1)));
    }

    @Test
    void theSequenceMustSplitInto2CpChunks() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> Dims.of(TOY, 1, 12, 1, SequenceParallel.OFF, 4));
        assertTrue(e.getMessage().startsWith("parallel.context: seq (12) must divide by 2 x context (8)"),
                e.getMessage());
        assertEquals(6, Dims.of(TOY, 1, 12, 1, SequenceParallel.OFF, 2).s().value());   // 12 = 2·2·3: s/cp = 6
    }
}
