package dev.gpumem.estimate.ops;

import dev.gpumem.estimate.timeline.TensorKind;
import java.util.List;

/**
 * The tensors of one transformer block, as a small program that a step builder replays once per layer.
 *
 * <p>Forward instructions allocate tensors into slots and free them. A tensor that autograd saves for backward is
 * marked {@link Op#LAST_USE} after its last forward consumer instead of being freed: in grad mode it stays (and is
 * freed by {@link Op#FREE_SAVED} in backward), without grad (checkpointed forward, inference) it is freed there.
 * Slot {@link #INPUT} is the block input (owned by the previous block); {@link #output()} is the block output (owned by
 * the next block). Backward instructions allocate and free gradient buffers, release the saved tensors of a part,
 * and mark where the part's parameter gradients appear.
 *
 * @param slotKinds kind of each slot (slot 0: the input)
 * @param coreSlots whether a slot belongs to the attention core (scores, probabilities, dropout): recomputed under
 *                  selective checkpointing (Korthikanti et al. 2022, §4.2)
 * @param output    slot of the block output
 * @param forward   forward instructions
 * @param backward  backward instructions
 * @param sacSaved  whether torchtitan's per-op selective checkpointing saves a slot in the checkpointed forward
 *                  (every other matmul output, the attention kernel's outputs); everything else is recomputed
 */
public record BlockProgram(List<TensorKind> slotKinds, List<Boolean> coreSlots, int output, List<Instr> forward,
                           List<Instr> backward, List<Boolean> sacSaved) {
    /** slot of the block input */
    public static final int INPUT = 0;
    /** slot of the gradient arriving at the block output (owned by the caller; it flows through in place) */
    public static final int GRAD = 1;

    public BlockProgram {
        slotKinds = List.copyOf(slotKinds);
        coreSlots = List.copyOf(coreSlots);
        forward = List.copyOf(forward);
        backward = List.copyOf(backward);
        sacSaved = List.copyOf(sacSaved);
    }

    public enum Op {
        /** allocate the slot's tensor */
        ALLOC,
        /** free the slot's tensor */
        FREE,
        /** last forward use of a tensor saved for backward: kept with grad, freed without */
        LAST_USE,
        /** amp: the half-precision autocast copies of the part's weights (saved by their linears for backward) */
        WEIGHT_COPIES,
        /** quantized base weights: a transient dequantized copy of each of the part's weights */
        DEQUANT,
        /** backward: the part's parameter gradients appear (and, amp, its weight copies are released) */
        PARAM_GRADS,
        /**
         * backward: another use of the part's parameters (the LM head applied chunk by chunk) hands in its
         * gradients; each is summed in place into the one already buffered (torch/csrc/autograd/input_buffer.cpp
         * InputBuffer::add), so one gradient-sized transient per trainable parameter exists at this moment
         */
        PARAM_GRADS_AGAIN,
        /** backward: release every tensor the part saved for backward */
        FREE_SAVED,
        /** backward, selective checkpointing: recompute the attention core's saved tensors */
        RECOMPUTE_CORE
    }

    /**
     * @param op   the instruction
     * @param slot the slot it acts on, or -1
     * @param part the part it belongs to
     */
    public record Instr(Op op, int slot, Part part) {
    }
}
