package dev.gpumem.estimate.step;

import static dev.gpumem.estimate.ops.BlockProgram.INPUT;

import dev.gpumem.estimate.ops.BlockProgram;
import dev.gpumem.estimate.ops.BlockSpec;
import dev.gpumem.estimate.ops.DecoderBlockOps;
import dev.gpumem.estimate.ops.Dims;
import dev.gpumem.estimate.timeline.Timeline;
import dev.gpumem.model.Architecture;
import java.util.List;

/**
 * The block programs of one pass, their tensor kinds registered in the timeline: the model's block, and for an MoE
 * model with dense blocks (DeepSeek's first {@code first_k_dense_replace}, Llama 4 outside {@code moe_layers}) the
 * dense one those blocks run.
 */
final class RegisteredBlocks {
    /**
     * One block program with its registered kinds and per-op SAC's keep list.
     *
     * @param program the program
     * @param kinds   its slots' registered kind indices
     * @param sacKeep the slots torchtitan's per-op SAC keeps (the block input excepted)
     */
    record Block(BlockProgram program, int[] kinds, boolean[] sacKeep) {
        static Block of(Timeline tl, BlockProgram program) {
            boolean[] keep = new boolean[program.sacSaved().size()];
            for (int k = 0; k < keep.length; k++) {
                keep[k] = program.sacSaved().get(k) && k != INPUT;
            }
            return new Block(program, ProgramRun.register(tl, program.slotKinds()), keep);
        }
    }

    private final Block block;
    private final Block dense;
    private final List<Integer> denseBlocks;

    RegisteredBlocks(Timeline tl, Architecture arch, BlockSpec spec, Dims dims) {
        this.block = Block.of(tl, DecoderBlockOps.program(spec, dims));
        this.denseBlocks = arch.moe().denseBlocks();
        this.dense = denseBlocks.isEmpty() ? block
                : Block.of(tl, DecoderBlockOps.program(spec, dims, DecoderBlockOps.BlockMlp.DENSE));
    }

    /** @return the program global block {@code layer} runs: an MoE model's dense blocks run the dense one */
    Block at(int layer) {
        return denseBlocks.contains(layer) ? dense : block;
    }
}
