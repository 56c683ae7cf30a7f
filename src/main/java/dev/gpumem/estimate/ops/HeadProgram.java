package dev.gpumem.estimate.ops;

import dev.gpumem.estimate.ops.BlockProgram.Instr;
import dev.gpumem.estimate.timeline.TensorKind;
import java.util.List;

/**
 * The final norm, output head and loss as a program with the same instructions as {@link BlockProgram}.
 * Slot {@link BlockProgram#INPUT} is the last block's output.
 *
 * @param slotKinds kind of each slot
 * @param gradOut   slot of the gradient handed to the last block (allocated by {@link #backward()}, owned by the
 *                  blocks afterwards)
 * @param forward   final norm (phase forward)
 * @param loss      head, fp32 upcast and cross-entropy forward: what exists when {@code loss.backward()} is called
 *                  (phase loss)
 * @param backward  the loss's backward down to the gradient of the logits, then the head and final-norm backward
 *                  (phase backward)
 */
public record HeadProgram(List<TensorKind> slotKinds, int gradOut, List<Instr> forward, List<Instr> loss,
                          List<Instr> backward) {
    public HeadProgram {
        slotKinds = List.copyOf(slotKinds);
        forward = List.copyOf(forward);
        loss = List.copyOf(loss);
        backward = List.copyOf(backward);
    }
}
