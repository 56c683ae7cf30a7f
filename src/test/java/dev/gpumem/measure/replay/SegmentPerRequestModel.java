package dev.gpumem.measure.replay;

import dev.gpumem.estimate.alloc.CachingAllocatorModel;
import java.util.HashMap;
import java.util.Map;

/**
 * Test double of the caching allocator: one segment per request, rounded up to 2 MiB, cached after free and reused
 * for an equal rounded size. Enough to drive the replay-cca runner; the real model is the estimator's.
 */
final class SegmentPerRequestModel implements CachingAllocatorModel {
    private static final long TWO_MIB = 2L << 20;
    private record Seg(long handle, long bytes) { }

    private final SegmentSource source;
    private final Map<Long, Seg> blocks = new HashMap<>();
    private final Map<Long, Long> requested = new HashMap<>();
    private final java.util.List<Seg> cache = new java.util.ArrayList<>();
    private long next;
    private long allocated;
    private long reserved;
    private long peakAllocated;
    private long peakReserved;

    SegmentPerRequestModel(SegmentSource source) {
        this.source = source;
    }

    @Override
    public long malloc(long bytes) {
        long rounded = (bytes + TWO_MIB - 1) / TWO_MIB * TWO_MIB;
        Seg seg = null;
        for (Seg s : cache) {
            if (s.bytes() == rounded) {
                seg = s;
                break;
            }
        }
        if (seg != null) {
            cache.remove(seg);
        } else {
            long h = source.allocateSegment(rounded);
            if (h < 0) {
                emptyCache();
                h = source.allocateSegment(rounded);
                if (h < 0) {
                    return -1;
                }
            }
            seg = new Seg(h, rounded);
            reserved += rounded;
        }
        long id = next++;
        blocks.put(id, seg);
        requested.put(id, rounded);
        allocated += rounded;
        peakAllocated = Math.max(peakAllocated, allocated);
        peakReserved = Math.max(peakReserved, reserved);
        return id;
    }

    @Override
    public void free(long blockId) {
        Seg s = blocks.remove(blockId);
        allocated -= requested.remove(blockId);
        cache.add(s);
    }

    @Override public long allocated() { return allocated; }
    @Override public long reserved() { return reserved; }
    @Override public long peakAllocated() { return peakAllocated; }
    @Override public long peakReserved() { return peakReserved; }

    @Override
    public void resetPeaks() {
        peakAllocated = allocated;
        peakReserved = reserved;
    }

    @Override
    public void emptyCache() {
        for (Seg s : cache) {
            source.freeSegment(s.handle(), s.bytes());
            reserved -= s.bytes();
        }
        cache.clear();
    }
}
