package dev.gpumem.estimate.step;

import dev.gpumem.estimate.timeline.Timeline;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * ZeRO-3 / FSDP full shard: the all-gathered copies of a block's (or the embedding's, or the head's) parameters,
 * live from the gather until the block's compute is done (Zhao et al. 2023, torch/distributed/fsdp: unsharded
 * FlatParameter freed after use, the next block prefetched). Without parameter sharding nothing is gathered.
 *
 * <p>DeepSpeed ZeRO-3 prefetches by elements rather than by block: after the module being computed is fetched, the
 * coordinator all-gathers the parameters that follow it in the trace, one whole parameter at a time, while the
 * elements prefetched are fewer than min(stage3_max_live_parameters − elements live, stage3_prefetch_bucket_size)
 * (microsoft/DeepSpeed deepspeed/runtime/zero/partitioned_param_coordinator.py @38327e0 fetch_sub_module). Here the
 * trace is the block order (forward: the next blocks, backward: the previous ones); the embedding and the head are
 * gathered when used. The reuse distance (stage3_max_reuse_distance, which keeps parameters used again soon
 * gathered) is not modelled: every block's gathered parameters are released after its compute.
 */
final class GatheredParameters {
    /** key of the embedding's gathered parameters */
    static final int EMBEDDING = -2;
    /** key of the LM head's gathered parameters */
    static final int HEAD = -3;

    private final Timeline tl;
    private final ModelState state;
    private final boolean shards;
    /** DeepSpeed ZeRO-3 prefetch budget in elements (0: no prefetch), or -1: FSDP's prefetch of the whole next block */
    private final long prefetchElements;
    private final long maxLiveElements;
    private final Map<Integer, IntList> gathered = new HashMap<>();
    /** per key: how many of its entries (in order) have been gathered */
    private final Map<Integer, Integer> progress = new HashMap<>();
    /** per key: the elements gathered under it */
    private final Map<Integer, Long> elements = new HashMap<>();
    private long live;

    GatheredParameters(Timeline tl, ModelState state, boolean shardsParameters) {
        this(tl, state, shardsParameters, -1, 0);
    }

    /**
     * @param prefetchElements DeepSpeed's stage3_prefetch_bucket_size (0: none), or -1 for FSDP's whole-block prefetch
     * @param maxLiveElements  DeepSpeed's stage3_max_live_parameters
     */
    GatheredParameters(Timeline tl, ModelState state, boolean shardsParameters, long prefetchElements,
                       long maxLiveElements) {
        this.tl = tl;
        this.state = state;
        this.shards = shardsParameters;
        this.prefetchElements = prefetchElements;
        this.maxLiveElements = maxLiveElements;
    }

    /** All-gathers block {@code layer}'s parameters (once; a negative layer is none). */
    void block(int layer) {
        if (layer >= 0) {
            gather(state.block(layer), layer);
        }
    }

    /**
     * The prefetch after block {@code layer} is fetched: FSDP the whole block {@code layer + step}; DeepSpeed the
     * parameters of blocks {@code layer + step}, {@code layer + 2·step}, ... within its element budget.
     *
     * @param step +1 in forward, −1 in backward
     */
    void prefetch(int layer, int step) {
        int next = layer + step;
        if (next < 0 || next >= state.layers()) {
            return;
        }
        if (prefetchElements < 0) {
            block(next);
            return;
        }
        if (!shards || prefetchElements == 0) {
            return;                        // partitioned_param_coordinator.py: no prefetch unless the bucket is > 0
        }
        long budget = Math.min(Math.max(0, maxLiveElements - live), prefetchElements);
        long fetched = 0;
        for (int b = next; b >= 0 && b < state.layers() && fetched < budget; b += step) {
            fetched += gatherWhile(state.block(b), b, budget - fetched);
        }
    }

    /** All-gathers {@code entries} under {@code key} (the rest of them, once). */
    void gather(List<ParamEntry> entries, int key) {
        if (shards) {
            gatherWhile(entries, key, Long.MAX_VALUE);
        }
    }

    /** @return the elements gathered: whole parameters of {@code entries} not yet gathered, until {@code budget} is reached */
    private long gatherWhile(List<ParamEntry> entries, int key, long budget) {
        IntList ids = gathered.computeIfAbsent(key, k -> new IntList());
        int from = progress.getOrDefault(key, 0);
        long fetched = 0;
        int i = from;
        for (; i < entries.size() && fetched < budget; i++) {
            ParamEntry e = entries.get(i);
            if (e.gathered() != null) {
                ids.add(tl.alloc(e.gathered()));
                fetched += e.weightNumel();
            }
        }
        progress.put(key, i);
        elements.merge(key, fetched, Long::sum);
        live += fetched;
        return fetched;
    }

    /** Frees the gathered copies under {@code key}, if any. */
    void release(int key) {
        IntList ids = gathered.remove(key);
        progress.remove(key);
        Long n = elements.remove(key);
        if (n != null) {
            live -= n;
        }
        if (ids != null) {
            for (int i = 0; i < ids.size(); i++) {
                tl.free(ids.get(i));
            }
        }
    }
}
