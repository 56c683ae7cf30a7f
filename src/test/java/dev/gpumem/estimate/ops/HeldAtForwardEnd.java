package dev.gpumem.estimate.ops;

import dev.gpumem.estimate.ops.BlockProgram.Instr;
import dev.gpumem.estimate.timeline.TensorKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a block program holds when its forward ends, for the op-level hand-arithmetic tests. */
final class HeldAtForwardEnd {
    private HeldAtForwardEnd() {
    }

    /** @return name → bytes of the slots still allocated after the forward (the block's input and output not counted) */
    static Map<String, Long> of(BlockProgram p) {
        return held(p.forward(), p.slotKinds(), p.output());
    }

    /** @return name → bytes of the slots a head still holds after its forward and loss (its input not counted) */
    static Map<String, Long> of(HeadProgram p) {
        List<Instr> run = new ArrayList<>(p.forward());
        run.addAll(p.loss());
        return held(run, p.slotKinds(), BlockProgram.INPUT);
    }

    private static Map<String, Long> held(List<Instr> run, List<TensorKind> kinds, int notCounted) {
        Map<Integer, Boolean> live = new LinkedHashMap<>();
        for (Instr i : run) {
            switch (i.op()) {
                case ALLOC -> live.put(i.slot(), true);
                case FREE -> live.remove(i.slot());
                default -> { }
            }
        }
        live.remove(notCounted);
        Map<String, Long> out = new TreeMap<>();
        for (int s : live.keySet()) {
            out.merge(kinds.get(s).name(), kinds.get(s).bytes(), Long::sum);
        }
        return out;
    }
}
