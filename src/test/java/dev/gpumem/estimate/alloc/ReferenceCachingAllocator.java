package dev.gpumem.estimate.alloc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * A plain, unoptimised implementation of the same c10 caching-allocator rules as {@link PytorchCachingAllocator}
 * (see its class comment): one object per block, each pool a {@code TreeSet} ordered by (size, address) as c10's
 * {@code BlockPool} std::set is, best fit by {@code ceiling}, merging through the blocks' segment neighbours, and
 * release of every cached block that spans its segment. Kept simple on purpose: the tests check that the fast
 * allocator gives the same answers event by event.
 */
public final class ReferenceCachingAllocator implements CachingAllocatorModel {
    private static final class Block {
        final boolean small;
        final long segHandle;
        long addr;
        long size;
        Block prev;
        Block next;
        boolean allocated;

        Block(boolean small, long segHandle, long addr, long size) {
            this.small = small;
            this.segHandle = segHandle;
            this.addr = addr;
            this.size = size;
        }
    }

    private static final Comparator<Block> ORDER =
            Comparator.<Block>comparingLong(b -> b.size).thenComparingLong(b -> b.addr);

    private final SegmentSource source;
    private final TreeSet<Block> smallPool = new TreeSet<>(ORDER);
    private final TreeSet<Block> largePool = new TreeSet<>(ORDER);
    private final List<Block> blocks = new ArrayList<>();     // id → block (ids are never reused here)
    private long nextAddress = 1L << 20;
    private long allocated;
    private long reserved;
    private long peakAllocated;
    private long peakReserved;

    public ReferenceCachingAllocator(SegmentSource source) {
        this.source = source;
    }

    @Override
    public long malloc(long bytes) {
        long rounded = PytorchCachingAllocator.roundSize(bytes);
        boolean small = rounded <= PytorchCachingAllocator.SMALL_SIZE;
        TreeSet<Block> pool = small ? smallPool : largePool;
        Block probe = new Block(small, -1, Long.MIN_VALUE, rounded);
        Block b = pool.ceiling(probe);
        if (b != null) {
            pool.remove(b);
        } else {
            long segBytes = PytorchCachingAllocator.segmentSize(rounded);
            long handle = source.allocateSegment(segBytes);
            if (handle < 0) {
                releaseCached();
                handle = source.allocateSegment(segBytes);
                if (handle < 0) {
                    return -1;
                }
            }
            b = new Block(small, handle, nextAddress, segBytes);
            nextAddress += segBytes;
            reserved += segBytes;
            peakReserved = Math.max(peakReserved, reserved);
        }
        long remaining = b.size - rounded;
        boolean split = small ? remaining >= PytorchCachingAllocator.MIN_BLOCK
                : remaining > PytorchCachingAllocator.SMALL_SIZE;
        if (split) {
            Block rest = new Block(small, b.segHandle, b.addr + rounded, remaining);
            b.size = rounded;
            rest.next = b.next;
            if (b.next != null) {
                b.next.prev = rest;
            }
            rest.prev = b;
            b.next = rest;
            pool.add(rest);
        }
        b.allocated = true;
        allocated += b.size;
        peakAllocated = Math.max(peakAllocated, allocated);
        blocks.add(b);
        return blocks.size() - 1;
    }

    @Override
    public void free(long blockId) {
        Block b = blocks.get((int) blockId);
        if (!b.allocated) {
            throw new IllegalArgumentException("double free " + blockId);
        }
        b.allocated = false;
        allocated -= b.size;
        TreeSet<Block> pool = b.small ? smallPool : largePool;
        Block p = b.prev;
        if (p != null && !p.allocated) {          // merge into the previous block
            pool.remove(p);
            p.size += b.size;
            p.next = b.next;
            if (b.next != null) {
                b.next.prev = p;
            }
            b = p;
        }
        Block n = b.next;
        if (n != null && !n.allocated) {          // absorb the next block
            pool.remove(n);
            b.size += n.size;
            b.next = n.next;
            if (n.next != null) {
                n.next.prev = b;
            }
        }
        pool.add(b);
    }

    private void releaseCached() {
        for (TreeSet<Block> pool : List.of(smallPool, largePool)) {
            for (Block b : new ArrayList<>(pool)) {
                if (b.prev == null && b.next == null) {
                    pool.remove(b);
                    source.freeSegment(b.segHandle, b.size);
                    reserved -= b.size;
                }
            }
        }
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
        releaseCached();
    }

    /** @return the size torch counts for a live block */
    long blockSize(long blockId) {
        return blocks.get((int) blockId).size;
    }

    /** @return the address of a block (the fast allocator must hand out the same addresses) */
    long address(long blockId) {
        return blocks.get((int) blockId).addr;
    }
}
