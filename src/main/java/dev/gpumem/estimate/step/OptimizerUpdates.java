package dev.gpumem.estimate.step;

import dev.gpumem.estimate.timeline.TensorKind;
import dev.gpumem.estimate.timeline.Timeline;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimizer's tensors: each trainable parameter's states, created lazily by its first update (torch.optim
 * initialises {@code state[p]} in the first {@code step()}), and the temporaries of an update. A multi-tensor
 * (foreach) step allocates the temporaries of every parameter before freeing any (torch/optim/adamw.py
 * {@code _multi_tensor_adamw}); a per-parameter step one parameter at a time.
 */
final class OptimizerUpdates {
    private final Timeline tl;
    private final boolean foreach;
    private final Map<ParamEntry, Boolean> hasStates;
    /** the temporaries of the update in progress (reused: one list per step builder) */
    private final IntList tmp = new IntList();

    OptimizerUpdates(Timeline tl, boolean foreach, int parameters) {
        this.tl = tl;
        this.foreach = foreach;
        this.hasStates = new IdentityHashMap<>(parameters);
    }

    /** One parameter's update (optimizer in backward, or a per-parameter step): states, then temporaries. */
    void updateOne(ParamEntry e) {
        ensureStates(e);
        tmp.clear();
        for (TensorKind t : e.temporaries()) {
            tmp.add(tl.alloc(t));
        }
        freeAll(tmp);
    }

    /** {@code optimizer.step()} over {@code trainable}: states on the first step, then the update temporaries. */
    void step(List<ParamEntry> trainable) {
        for (ParamEntry e : trainable) {
            ensureStates(e);
        }
        if (!foreach) {
            for (ParamEntry e : trainable) {
                updateOne(e);
            }
            return;
        }
        tmp.clear();
        for (ParamEntry e : trainable) {
            for (TensorKind t : e.temporaries()) {
                tmp.add(tl.alloc(t));
            }
        }
        freeAll(tmp);
    }

    /** Frees the ids in allocation order. */
    private void freeAll(IntList ids) {
        for (int i = 0; i < ids.size(); i++) {
            tl.free(ids.get(i));
        }
    }

    private void ensureStates(ParamEntry e) {
        if (hasStates.putIfAbsent(e, Boolean.TRUE) == null) {
            for (TensorKind s : e.states()) {
                tl.alloc(s);
            }
        }
    }
}
