package dev.gpumem.estimate.timeline;

import dev.gpumem.estimate.Phase;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The ordered alloc / free / phase-start events of one run, as primitive arrays (a few thousand events for a
 * 70B model). Built once per request by the step builders, then simulated by {@link TimelineSimulation} and, on
 * demand, written out as an allocation plan by {@link PlanWriter}. Not thread-safe; one per request.
 */
public final class Timeline {
    static final byte ALLOC = 0;
    static final byte FREE = 1;
    static final byte PHASE = 2;

    private byte[] op = new byte[256];
    private int[] arg = new int[256];
    private int events;

    private int[] tensorKind = new int[128];
    private boolean[] tensorLive = new boolean[128];
    private int tensors;

    // sized for the few hundred kinds of a large model's training step, so that they are not rehashed as they grow
    private final Map<TensorKind, Integer> kindIndex = new HashMap<>(1024);
    /** the same kinds by identity: most lookups are for a kind object seen before, which this answers cheaply */
    private final Map<TensorKind, Integer> byIdentity = new IdentityHashMap<>(1024);
    private TensorKind[] kinds = new TensorKind[32];
    private int kindCount;

    /** Starts a phase window; a phase may have several windows (gradient-accumulation micro-steps). */
    public void phase(Phase phase) {
        add(PHASE, phase.ordinal());
    }

    /**
     * Registers a kind (equal kinds share one index, so their live tensors form one term).
     *
     * @return the kind's index, for {@link #alloc(int)}
     */
    public int register(TensorKind kind) {
        Integer seen = byIdentity.get(kind);
        if (seen != null) {
            return seen;
        }
        Integer k = kindIndex.get(kind);
        if (k == null) {
            k = kindCount;
            if (kindCount == kinds.length) {
                kinds = Arrays.copyOf(kinds, kindCount * 2);
            }
            kinds[kindCount++] = kind;
            kindIndex.put(kind, k);
        }
        byIdentity.put(kind, k);
        return k;
    }

    /** @return the new tensor's id */
    public int alloc(TensorKind kind) {
        return alloc(register(kind));
    }

    /** @return the new tensor's id, of a kind registered with {@link #register} */
    public int alloc(int k) {
        if (k < 0 || k >= kindCount) {
            throw new IllegalArgumentException("unregistered kind " + k);
        }
        if (tensors == tensorKind.length) {
            tensorKind = Arrays.copyOf(tensorKind, tensors * 2);
            tensorLive = Arrays.copyOf(tensorLive, tensors * 2);
        }
        int id = tensors++;
        tensorKind[id] = k;
        tensorLive[id] = true;
        add(ALLOC, id);
        return id;
    }

    /** Frees a live tensor. */
    public void free(int tensor) {
        if (tensor < 0 || tensor >= tensors || !tensorLive[tensor]) {
            throw new IllegalStateException("timeline: free of tensor " + tensor + " that is not live");
        }
        tensorLive[tensor] = false;
        add(FREE, tensor);
    }

    /** @return whether the tensor is allocated and not yet freed at the end of the events so far */
    public boolean isLive(int tensor) {
        return tensorLive[tensor];
    }

    private void add(byte o, int a) {
        if (events == op.length) {
            op = Arrays.copyOf(op, events * 2);
            arg = Arrays.copyOf(arg, events * 2);
        }
        op[events] = o;
        arg[events] = a;
        events++;
    }

    int events() {
        return events;
    }

    byte op(int event) {
        return op[event];
    }

    int arg(int event) {
        return arg[event];
    }

    int tensorCount() {
        return tensors;
    }

    int kindOf(int tensor) {
        return tensorKind[tensor];
    }

    int kindCount() {
        return kindCount;
    }

    TensorKind kind(int index) {
        return kinds[index];
    }

    /** @return the kind of a tensor */
    public TensorKind kindOfTensor(int tensor) {
        return kinds[tensorKind[tensor]];
    }
}
