package dev.gpumem.estimate.ops;

import dev.gpumem.estimate.ops.BlockProgram.Instr;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** What a block program holds when its forward ends, for the op-level hand-arithmetic tests. */
final class HeldAtForwardEnd {
    private HeldAtForwardEnd() {
    }

    /** @return name → bytes of the slots still allocated after the forward (the block's input and output not counted) */
    static Map<String, Long> of(BlockProgram p) {
        Map<Integer, Boolean> live = new LinkedHashMap<>();
        for (Instr i : p.forward()) {
            switch (i.op()) {
                case ALLOC -> live.put(i.slot(), true);
                case FREE -> live.remove(i.slot());
                default -> { }
            }
        }
        live.remove(p.output());
        Map<String, Long> out = new TreeMap<>();
        for (int s : live.keySet()) {
            out.merge(p.slotKinds().get(s).name(), p.slotKinds().get(s).bytes(), Long::sum);
        }
        return out;
    }
}
