package dev.gpumem.estimate.alloc;

import java.util.Arrays;

/**
 * A model of PyTorch's native CUDA caching allocator (c10/cuda/CUDACachingAllocator.cpp, as of torch 2.5-2.7,
 * default {@code PYTORCH_CUDA_ALLOC_CONF}: no expandable segments, max_split_size unlimited, one stream).
 *
 * <p>Rules modelled, each from that file:
 * <ul>
 *   <li>{@code round_size}: every request is rounded up to a multiple of kMinBlockSize = 512 B (minimum 512 B).</li>
 *   <li>{@code get_pool}: rounded requests of at most kSmallSize = 1 MiB use the small pool, the rest the large pool.</li>
 *   <li>{@code get_allocation_size}: a new segment is kSmallBuffer = 2 MiB for small requests, kLargeBuffer = 20 MiB
 *       for requests below kMinLargeAlloc = 10 MiB, otherwise the request rounded up to kRoundLarge = 2 MiB.</li>
 *   <li>{@code get_free_block}: best fit, the smallest cached free block of the pool that is large enough (ties by
 *       address).</li>
 *   <li>{@code should_split}: a small-pool block is split when the remainder is at least 512 B; a large-pool block
 *       when the remainder is more than 1 MiB. An unsplit block keeps its whole size (and torch counts that whole
 *       size as allocated).</li>
 *   <li>{@code free_block}/{@code try_merge_blocks}: a freed block merges with free neighbours of its segment.</li>
 *   <li>Segments are returned only by {@link #emptyCache()} or when a segment source reports out-of-memory
 *       ({@code release_cached_blocks} and retry): reserved follows the running peak.</li>
 * </ul>
 *
 * <p>Not modelled: multiple streams and cross-stream reuse, expandable segments, {@code max_split_size_mb},
 * {@code roundup_power2_divisions}, garbage-collection threshold, CUDA graphs pools, the rule that oversize blocks
 * (≥ max_split_size) are not split (inactive at the default setting).
 *
 * <p>Not thread-safe; one instance per simulation. Blocks live in parallel primitive arrays (no object per block)
 * so that a simulation of a few thousand events stays in the microsecond range.
 */
public final class PytorchCachingAllocator implements CachingAllocatorModel {
    /** kMinBlockSize: every block is a multiple of 512 B. */
    public static final long MIN_BLOCK = 512;
    /** kSmallSize: requests up to 1 MiB come from the small pool. */
    public static final long SMALL_SIZE = 1L << 20;
    /** kSmallBuffer: small-pool segments are 2 MiB. */
    public static final long SMALL_BUFFER = 2L << 20;
    /** kLargeBuffer: requests between 1 MiB and 10 MiB get a 20 MiB segment. */
    public static final long LARGE_BUFFER = 20L << 20;
    /** kMinLargeAlloc: from 10 MiB on, a segment is the request rounded to kRoundLarge. */
    public static final long MIN_LARGE_ALLOC = 10L << 20;
    /** kRoundLarge: large segments are rounded up to 2 MiB. */
    public static final long ROUND_LARGE = 2L << 20;

    private final SegmentSource source;

    // block storage, indexed by block id
    private long[] addr;
    private long[] size;
    private long[] segHandle;
    private int[] prev;
    private int[] next;
    private boolean[] small;
    private boolean[] live;      // allocated to a caller
    private boolean[] inUse;     // slot holds a block (allocated or cached)
    private int blockCount;
    private int[] freeIds = new int[16];
    private int freeIdCount;

    private final FreeList smallFree = new FreeList();
    private final FreeList largeFree = new FreeList();
    /** cached blocks that span a whole segment (what a release returns), and each one's index there */
    private int[] wholeFree = new int[16];
    private int wholeFreeCount;
    private int[] wholeFreeAt;

    private long nextAddress = 1L << 20;
    private long allocated;
    private long reserved;
    private long peakAllocated;
    private long peakReserved;

    public PytorchCachingAllocator(SegmentSource source) {
        this(source, 64);
    }

    /**
     * @param expectedBlocks room for this many blocks (live and cached) before the block arrays grow; a
     *                       simulation that knows its number of tensors passes it to skip the growth copies
     */
    public PytorchCachingAllocator(SegmentSource source, int expectedBlocks) {
        this.source = source;
        int n = Math.max(16, expectedBlocks);
        addr = new long[n];
        size = new long[n];
        segHandle = new long[n];
        prev = new int[n];
        next = new int[n];
        small = new boolean[n];
        live = new boolean[n];
        inUse = new boolean[n];
        wholeFreeAt = new int[n];
    }

    /** An allocator whose segment source never runs out (bookkeeping only, for the estimator). */
    public static PytorchCachingAllocator unbounded() {
        return new PytorchCachingAllocator(new SegmentSource() {
            private long handle;

            @Override
            public long allocateSegment(long bytes) {
                return handle++;
            }

            @Override
            public void freeSegment(long h, long bytes) {
            }
        });
    }

    /** @return {@code round_size}: the request rounded up to a multiple of 512 B, at least 512 B */
    public static long roundSize(long bytes) {
        if (bytes < MIN_BLOCK) {
            return MIN_BLOCK;
        }
        return Math.addExact(bytes, MIN_BLOCK - 1) / MIN_BLOCK * MIN_BLOCK;
    }

    /** @return {@code get_allocation_size}: the segment size cudaMalloc'd for a rounded request */
    public static long segmentSize(long roundedBytes) {
        if (roundedBytes <= SMALL_SIZE) {
            return SMALL_BUFFER;
        }
        if (roundedBytes < MIN_LARGE_ALLOC) {
            return LARGE_BUFFER;
        }
        return Math.addExact(roundedBytes, ROUND_LARGE - 1) / ROUND_LARGE * ROUND_LARGE;
    }

    @Override
    public long malloc(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative request " + bytes);
        }
        long rounded = roundSize(bytes);
        boolean isSmall = rounded <= SMALL_SIZE;
        FreeList pool = isSmall ? smallFree : largeFree;
        int b = pool.takeBestFit(rounded, size);
        if (b >= 0) {
            if (prev[b] < 0 && next[b] < 0) {
                forgetWhole(b);
            }
        } else {
            long segBytes = segmentSize(rounded);
            long handle = source.allocateSegment(segBytes);
            if (handle < 0) {
                releaseCachedSegments();
                handle = source.allocateSegment(segBytes);
                if (handle < 0) {
                    return -1;
                }
            }
            b = newBlock(nextAddress, segBytes, handle, isSmall);
            nextAddress += segBytes;
            reserved += segBytes;
            peakReserved = Math.max(peakReserved, reserved);
        }
        long remaining = size[b] - rounded;
        boolean split = isSmall ? remaining >= MIN_BLOCK : remaining > SMALL_SIZE;
        if (split) {
            int rest = newBlock(addr[b] + rounded, remaining, segHandle[b], isSmall);
            size[b] = rounded;
            next[rest] = next[b];
            if (next[b] >= 0) {
                prev[next[b]] = rest;
            }
            prev[rest] = b;
            next[b] = rest;
            pool.insert(rest, size, addr);             // prev is b: never a whole segment
        }
        live[b] = true;
        allocated += size[b];
        peakAllocated = Math.max(peakAllocated, allocated);
        return b;
    }

    @Override
    public void free(long blockId) {
        int b = (int) blockId;
        if (b < 0 || b >= blockCount || !inUse[b] || !live[b]) {
            throw new IllegalArgumentException("free of a block that is not allocated: " + blockId);
        }
        live[b] = false;
        allocated -= size[b];
        FreeList pool = small[b] ? smallFree : largeFree;
        int p = prev[b];
        if (p >= 0 && !live[p]) {
            unpool(pool, p);
            size[p] += size[b];
            unlinkNext(p, b);
            b = p;
        }
        int n = next[b];
        if (n >= 0 && !live[n]) {
            unpool(pool, n);
            size[b] += size[n];
            unlinkNext(b, n);
        }
        pool.insert(b, size, addr);
        if (prev[b] < 0 && next[b] < 0) {
            if (wholeFreeCount == wholeFree.length) {
                wholeFree = Arrays.copyOf(wholeFree, wholeFreeCount * 2);
            }
            wholeFreeAt[b] = wholeFreeCount;
            wholeFree[wholeFreeCount++] = b;
        }
    }

    /**
     * Takes a cached block out of its pool. A cached block's neighbours never change while it is cached (a free
     * neighbour merges with it, which takes it out first), so whether it spans its segment is the same as when it
     * was inserted.
     */
    private void unpool(FreeList pool, int b) {
        pool.remove(b, size, addr);
        if (prev[b] < 0 && next[b] < 0) {
            forgetWhole(b);
        }
    }

    private void forgetWhole(int b) {
        int at = wholeFreeAt[b];
        int last = wholeFree[--wholeFreeCount];
        wholeFree[at] = last;
        wholeFreeAt[last] = at;
    }

    /** @return the size torch counts for a live block: its rounded request, or the whole unsplit block */
    public long blockSize(long blockId) {
        return size[(int) blockId];
    }

    /** @return a block's address in the simulated address space (segments laid end to end) */
    long address(long blockId) {
        return addr[(int) blockId];
    }

    /** @return cached free blocks in the small and large pools (split remainders and freed blocks) */
    public int cachedBlocks() {
        return smallFree.count + largeFree.count;
    }

    @Override
    public long allocated() {
        return allocated;
    }

    @Override
    public long reserved() {
        return reserved;
    }

    @Override
    public long peakAllocated() {
        return peakAllocated;
    }

    @Override
    public long peakReserved() {
        return peakReserved;
    }

    @Override
    public void resetPeaks() {
        peakAllocated = allocated;
        peakReserved = reserved;
    }

    @Override
    public void emptyCache() {
        releaseCachedSegments();
    }

    /** Returns every cached segment that holds no live block (one free block spanning the segment). */
    private void releaseCachedSegments() {
        while (wholeFreeCount > 0) {
            int b = wholeFree[wholeFreeCount - 1];
            unpool(small[b] ? smallFree : largeFree, b);
            source.freeSegment(segHandle[b], size[b]);
            reserved -= size[b];
            release(b);
        }
    }

    private void unlinkNext(int keep, int gone) {
        next[keep] = next[gone];
        if (next[gone] >= 0) {
            prev[next[gone]] = keep;
        }
        release(gone);
    }

    private int newBlock(long address, long bytes, long handle, boolean isSmall) {
        int b;
        if (freeIdCount > 0) {
            b = freeIds[--freeIdCount];
        } else {
            if (blockCount == addr.length) {
                grow();
            }
            b = blockCount++;
        }
        addr[b] = address;
        size[b] = bytes;
        segHandle[b] = handle;
        prev[b] = -1;
        next[b] = -1;
        small[b] = isSmall;
        live[b] = false;
        inUse[b] = true;
        return b;
    }

    private void release(int b) {
        inUse[b] = false;
        live[b] = false;
        if (freeIdCount == freeIds.length) {
            freeIds = Arrays.copyOf(freeIds, freeIds.length * 2);
        }
        freeIds[freeIdCount++] = b;
    }

    private void grow() {
        int n = addr.length * 2;
        addr = Arrays.copyOf(addr, n);
        size = Arrays.copyOf(size, n);
        segHandle = Arrays.copyOf(segHandle, n);
        prev = Arrays.copyOf(prev, n);
        next = Arrays.copyOf(next, n);
        small = Arrays.copyOf(small, n);
        live = Arrays.copyOf(live, n);
        inUse = Arrays.copyOf(inUse, n);
        wholeFreeAt = Arrays.copyOf(wholeFreeAt, n);
    }

    /**
     * Cached free blocks of one pool. c10 keeps them in a std::set ordered by (size, address) and takes the first
     * block not smaller than the request; this list gives the same answer from size-class buckets (eight per power
     * of two), each sorted by (size, address) with its keys inline, and a bitmap of the non-empty buckets: the
     * answer is the smallest sufficient block of the request's bucket, else the smallest block of the next non-empty
     * one. Buckets are kept in descending order: the block taken is then at or near the end (many cached blocks
     * of one bucket have the same size, and the lowest address of them is taken), so taking it moves few entries.
     */
    private static final class FreeList {
        private static final int SUB = 3;                       // 2^3 = 8 buckets per power of two
        private static final int BUCKETS = 64 << SUB;

        private final Bucket[] buckets = new Bucket[BUCKETS];
        private final long[] nonEmpty = new long[BUCKETS / 64];
        int count;

        private static final class Bucket {
            long[] sizes = new long[4];
            long[] addrs = new long[4];
            int[] ids = new int[4];
            int n;

            /**
             * {@link #lowerBound} with the two ends checked first (a block below every other goes last, one above
             * every other first) before the binary search.
             */
            int insertionPoint(long s, long a) {
                if (n == 0) {
                    return 0;
                }
                long ls = sizes[n - 1];
                if (ls > s || (ls == s && addrs[n - 1] > a)) {
                    return n;
                }
                long fs = sizes[0];
                if (fs < s || (fs == s && addrs[0] <= a)) {
                    return 0;
                }
                return lowerBound(s, a);
            }

            /** @return the first index whose (size, address) is not greater than {@code (s, a)} (descending order) */
            int lowerBound(long s, long a) {
                int lo = 0;
                int hi = n;
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    long ms = sizes[mid];
                    boolean below = ms > s || (ms == s && addrs[mid] > a);
                    lo = below ? mid + 1 : lo;
                    hi = below ? hi : mid;
                }
                return lo;
            }
        }

        private static int bucket(long size) {
            int log = 63 - Long.numberOfLeadingZeros(size);
            if (log < SUB) {
                return (int) size;
            }
            int mantissa = (int) ((size >>> (log - SUB)) & ((1 << SUB) - 1));
            return (log << SUB) | mantissa;
        }

        /**
         * Takes the smallest block with size ≥ {@code want} (lowest address on ties) out of the list.
         *
         * @return its id, or -1 when no cached block is large enough
         */
        int takeBestFit(long want, long[] size) {
            int bk = bucket(want);
            Bucket b = buckets[bk];
            if (b != null && b.n > 0 && b.sizes[0] >= want) {
                if (b.sizes[b.n - 1] >= want) {
                    return removeAt(bk, b, b.n - 1);      // the bucket's smallest block (lowest address) fits
                }
                int smaller = b.lowerBound(want - 1, Long.MAX_VALUE);     // first block of size < want
                return removeAt(bk, b, smaller - 1);
            }
            int next = nextNonEmpty(bk + 1);
            return next < 0 ? -1 : removeAt(next, buckets[next], buckets[next].n - 1);
        }

        private int removeAt(int bk, Bucket b, int at) {
            int id = b.ids[at];
            int move = b.n - at - 1;
            if (move > 0) {
                System.arraycopy(b.sizes, at + 1, b.sizes, at, move);
                System.arraycopy(b.addrs, at + 1, b.addrs, at, move);
                System.arraycopy(b.ids, at + 1, b.ids, at, move);
            }
            b.n--;
            if (b.n == 0) {
                nonEmpty[bk >>> 6] &= ~(1L << (bk & 63));
            }
            count--;
            return id;
        }

        private int nextNonEmpty(int from) {
            if (from >= BUCKETS) {
                return -1;
            }
            int w = from >>> 6;
            long bits = nonEmpty[w] & (-1L << (from & 63));
            while (true) {
                if (bits != 0) {
                    return (w << 6) + Long.numberOfTrailingZeros(bits);
                }
                if (++w == nonEmpty.length) {
                    return -1;
                }
                bits = nonEmpty[w];
            }
        }

        void insert(int id, long[] size, long[] addr) {
            long s = size[id];
            long a = addr[id];
            int bk = bucket(s);
            Bucket b = buckets[bk];
            if (b == null) {
                b = buckets[bk] = new Bucket();
            }
            if (b.n == b.ids.length) {
                int cap = b.n * 2;
                b.sizes = Arrays.copyOf(b.sizes, cap);
                b.addrs = Arrays.copyOf(b.addrs, cap);
                b.ids = Arrays.copyOf(b.ids, cap);
            }
            int at = b.insertionPoint(s, a);
            int move = b.n - at;
            if (move > 0) {
                System.arraycopy(b.sizes, at, b.sizes, at + 1, move);
                System.arraycopy(b.addrs, at, b.addrs, at + 1, move);
                System.arraycopy(b.ids, at, b.ids, at + 1, move);
            }
            b.sizes[at] = s;
            b.addrs[at] = a;
            b.ids[at] = id;
            b.n++;
            nonEmpty[bk >>> 6] |= 1L << (bk & 63);
            count++;
        }

        void remove(int id, long[] size, long[] addr) {
            int bk = bucket(size[id]);
            Bucket b = buckets[bk];
            int at = b == null || b.n == 0 ? -1 : b.ids[b.n - 1] == id ? b.n - 1 : b.lowerBound(size[id], addr[id]);
            if (at < 0 || at >= b.n || b.ids[at] != id) {
                throw new IllegalStateException("block " + id + " is not in the free list");
            }
            removeAt(bk, b, at);
        }
    }
}
