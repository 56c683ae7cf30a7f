package dev.gpumem.estimate.alloc;

/**
 * A caching allocator: hands out blocks from segments it obtains from a {@link SegmentSource}
 * (cudaMalloc on a device, bookkeeping in the estimator).
 */
public interface CachingAllocatorModel {

    /** Where segments come from. */
    interface SegmentSource {
        /** Obtains a segment of {@code bytes}; returns an opaque handle, or -1 when the device is out of memory. */
        long allocateSegment(long bytes);

        /** Returns a segment (empty_cache, or free-and-retry after an OOM). */
        void freeSegment(long handle, long bytes);
    }

    /** @return a block id for a request of {@code bytes}, or -1 when out of memory even after freeing cached segments */
    long malloc(long bytes);

    /** Returns the block to the cache. */
    void free(long blockId);

    /** @return bytes in live blocks (rounded sizes): torch.cuda.memory_allocated */
    long allocated();

    /** @return bytes in segments: torch.cuda.memory_reserved */
    long reserved();

    /** @return the highest {@link #allocated()} so far */
    long peakAllocated();

    /** @return the highest {@link #reserved()} so far */
    long peakReserved();

    /** Starts a new peak window (torch.cuda.reset_peak_memory_stats). */
    void resetPeaks();

    /** Releases every unused cached segment (torch.cuda.empty_cache). */
    void emptyCache();
}
