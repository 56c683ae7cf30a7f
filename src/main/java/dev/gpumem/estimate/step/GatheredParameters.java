package dev.gpumem.estimate.step;

import dev.gpumem.estimate.timeline.Timeline;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ZeRO-3 / FSDP full shard: the all-gathered copies of a block's (or the embedding's, or the head's) parameters,
 * live from the gather until the block's compute is done (Zhao et al. 2023, torch/distributed/fsdp: unsharded
 * FlatParameter freed after use, the next block prefetched). Without parameter sharding nothing is gathered.
 */
final class GatheredParameters {
    /** key of the embedding's gathered parameters */
    static final int EMBEDDING = -2;
    /** key of the LM head's gathered parameters */
    static final int HEAD = -3;

    private final Timeline tl;
    private final ModelState state;
    private final boolean shards;
    private final Map<Integer, IntList> gathered = new HashMap<>();

    GatheredParameters(Timeline tl, ModelState state, boolean shardsParameters) {
        this.tl = tl;
        this.state = state;
        this.shards = shardsParameters;
    }

    /** All-gathers block {@code layer}'s parameters (once; a negative layer is none). */
    void block(int layer) {
        if (layer >= 0) {
            gather(state.block(layer), layer);
        }
    }

    /** All-gathers {@code entries} under {@code key} (once). */
    void gather(List<ParamEntry> entries, int key) {
        if (!shards || gathered.containsKey(key)) {
            return;
        }
        IntList ids = new IntList();
        for (ParamEntry e : entries) {
            if (e.gathered() != null) {
                ids.add(tl.alloc(e.gathered()));
            }
        }
        gathered.put(key, ids);
    }

    /** Frees the gathered copies under {@code key}, if any. */
    void release(int key) {
        IntList ids = gathered.remove(key);
        if (ids != null) {
            for (int i = 0; i < ids.size(); i++) {
                tl.free(ids.get(i));
            }
        }
    }
}
