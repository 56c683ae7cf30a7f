package dev.gpumem.estimate.step;

import dev.gpumem.estimate.ops.BlockProgram.Instr;
import dev.gpumem.estimate.ops.BlockProgram.Op;
import dev.gpumem.estimate.ops.Part;
import dev.gpumem.estimate.timeline.TensorKind;
import dev.gpumem.estimate.timeline.Timeline;
import java.util.Arrays;
import java.util.List;

/**
 * One replay of a block (or head) program into a timeline: the tensor id of every slot, and which slots the part
 * keeps for backward.
 */
final class ProgramRun {
    /** What the step builder does at the program's hooks. */
    interface Hooks {
        void weightCopies(Part part);

        void dequant(Part part);

        void paramGrads(Part part);

        /** another use of the part's parameters hands in its gradients (see {@code Op.PARAM_GRADS_AGAIN}) */
        default void paramGradsAgain(Part part) {
        }
    }

    private final Timeline tl;
    private final int[] kindIds;
    private final List<Boolean> core;
    final int[] ids;
    /** slot kept for backward, by the part that keeps it (null: not kept) */
    final Part[] savedBy;
    /** slot was freed at its last use because it is recomputed (selective) or offloaded */
    final boolean[] released;
    /** per-op SAC, checkpointed forward: slots kept (saved by the policy) instead of freed; null: none */
    boolean[] keep;
    /** per-op SAC, recompute: slots bound to the tensor the checkpointed forward saved instead of allocated; null */
    int[] reuse;

    ProgramRun(Timeline tl, int[] kindIds, List<Boolean> core) {
        this.tl = tl;
        this.kindIds = kindIds;
        this.core = core;
        this.ids = new int[kindIds.length];
        Arrays.fill(ids, -1);
        this.savedBy = new Part[kindIds.length];
        this.released = new boolean[kindIds.length];
    }

    /**
     * Replays forward instructions.
     *
     * @param grad        autograd records (saved tensors stay); false: every tensor dies at its last use
     * @param recomputeCore selective checkpointing: attention-core tensors die at their last use too
     * @param keepSlot    a slot never freed here (the checkpointed block input), or -1
     */
    void forward(List<Instr> instrs, boolean grad, boolean recomputeCore, int keepSlot, Hooks hooks) {
        for (Instr in : instrs) {
            int s = in.slot();
            switch (in.op()) {
                case ALLOC -> ids[s] = reuse != null && reuse[s] >= 0 ? reuse[s] : tl.alloc(kindIds[s]);
                case FREE -> {
                    if (s != keepSlot && !kept(s)) {
                        freeSlot(s);
                    }
                }
                case LAST_USE -> {
                    if (s == keepSlot || kept(s)) {
                        continue;
                    }
                    if (!grad) {
                        freeSlot(s);
                    } else if (recomputeCore && core.get(s)) {
                        freeSlot(s);
                        savedBy[s] = in.part();
                        released[s] = true;
                    } else {
                        savedBy[s] = in.part();
                    }
                }
                case WEIGHT_COPIES -> hooks.weightCopies(in.part());
                case DEQUANT -> hooks.dequant(in.part());
                case PARAM_GRADS -> hooks.paramGrads(in.part());
                default -> throw new IllegalStateException(in.op() + " in a forward program");
            }
        }
    }

    private boolean kept(int s) {
        return keep != null && keep[s];
    }

    /**
     * Per-op SAC: the ids of the slots the checkpointed forward kept, for the recompute to bind (-1 elsewhere).
     */
    int[] keptIds() {
        int[] out = new int[ids.length];
        Arrays.fill(out, -1);
        for (int k = 0; k < ids.length; k++) {
            if (kept(k) && ids[k] >= 0) {
                out[k] = ids[k];
            }
        }
        return out;
    }

    /** Activation offloading under per-op SAC: the kept outputs go to the host (freed on the device). */
    void offloadKept() {
        for (int k = 0; k < ids.length; k++) {
            if (kept(k) && ids[k] >= 0 && tl.isLive(ids[k])) {
                freeSlot(k);
            }
        }
    }

    /** Activation offloading under per-op SAC: the kept outputs come back before the recompute. */
    void reloadKept() {
        for (int k = 0; k < ids.length; k++) {
            if (kept(k) && ids[k] >= 0) {
                ids[k] = tl.alloc(kindIds[k]);
            }
        }
    }

    /** Replays backward instructions; {@code gradSlot} is bound to the incoming gradient beforehand. */
    void backward(List<Instr> instrs, int protectedSlot, Hooks hooks) {
        for (Instr in : instrs) {
            int s = in.slot();
            switch (in.op()) {
                case ALLOC -> ids[s] = tl.alloc(kindIds[s]);
                case FREE -> freeSlot(s);
                case PARAM_GRADS -> hooks.paramGrads(in.part());
                case PARAM_GRADS_AGAIN -> hooks.paramGradsAgain(in.part());
                case FREE_SAVED -> {
                    for (int k = 0; k < ids.length; k++) {
                        if (savedBy[k] == in.part() && k != protectedSlot && ids[k] >= 0 && tl.isLive(ids[k])) {
                            freeSlot(k);
                        }
                    }
                }
                case RECOMPUTE_CORE -> {
                    for (int k = 0; k < ids.length; k++) {
                        if (released[k] && core.get(k)) {
                            ids[k] = tl.alloc(kindIds[k]);
                            released[k] = false;
                        }
                    }
                }
                default -> throw new IllegalStateException(in.op() + " in a backward program");
            }
        }
    }

    /** Activation offloading: moves every kept tensor to the host (frees it on the device). */
    void offload() {
        for (int k = 0; k < ids.length; k++) {
            if (savedBy[k] != null && !released[k] && ids[k] >= 0 && tl.isLive(ids[k])) {
                freeSlot(k);
                released[k] = true;
            }
        }
    }

    /** Activation offloading: brings the offloaded tensors back before backward (non-core ones). */
    void reload() {
        for (int k = 0; k < ids.length; k++) {
            if (released[k] && !core.get(k)) {
                ids[k] = tl.alloc(kindIds[k]);
                released[k] = false;
            }
        }
    }

    /** Brings back offloaded core tensors too (used when the core is not recomputed). */
    void reloadAll() {
        for (int k = 0; k < ids.length; k++) {
            if (released[k]) {
                ids[k] = tl.alloc(kindIds[k]);
                released[k] = false;
            }
        }
    }

    void freeSlot(int s) {
        tl.free(ids[s]);
    }

    static int[] register(Timeline tl, List<TensorKind> kinds) {
        int[] out = new int[kinds.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = tl.register(kinds.get(i));
        }
        return out;
    }
}
