package dev.gpumem.estimate.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Expectations from c10/cuda/CUDACachingAllocator.cpp's constants and rules, worked by hand. */
class PytorchCachingAllocatorTest {
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    @Test
    void requestsAreRoundedUpTo512Bytes() {
        assertEquals(512, PytorchCachingAllocator.roundSize(1));
        assertEquals(512, PytorchCachingAllocator.roundSize(0));
        assertEquals(512, PytorchCachingAllocator.roundSize(512));
        assertEquals(1024, PytorchCachingAllocator.roundSize(513));
        PytorchCachingAllocator a = PytorchCachingAllocator.unbounded();
        a.malloc(100);
        assertEquals(512, a.allocated());
    }

    @Test
    void segmentSizesFollowThePools() {
        assertEquals(2 * MIB, PytorchCachingAllocator.segmentSize(512));
        assertEquals(2 * MIB, PytorchCachingAllocator.segmentSize(MIB));            // kSmallSize is inclusive
        assertEquals(20 * MIB, PytorchCachingAllocator.segmentSize(MIB + 512));
        assertEquals(20 * MIB, PytorchCachingAllocator.segmentSize(10 * MIB - 512));
        assertEquals(10 * MIB, PytorchCachingAllocator.segmentSize(10 * MIB));      // kMinLargeAlloc: rounded to 2 MiB
        assertEquals(12 * MIB, PytorchCachingAllocator.segmentSize(10 * MIB + 512));
    }

    @Test
    void smallRequestsShareOneTwoMebibyteSegment() {
        PytorchCachingAllocator a = PytorchCachingAllocator.unbounded();
        for (int i = 0; i < 4; i++) {
            a.malloc(256 * KIB);                      // 4 · 256 KiB = 1 MiB fits one 2 MiB segment
        }
        assertEquals(MIB, a.allocated());
        assertEquals(2 * MIB, a.reserved());
        for (int i = 0; i < 5; i++) {
            a.malloc(256 * KIB);                      // 9 · 256 KiB = 2.25 MiB needs a second segment
        }
        assertEquals(4 * MIB, a.reserved());
    }

    @Test
    void midSizedRequestsSplitATwentyMebibyteSegment() {
        PytorchCachingAllocator a = PytorchCachingAllocator.unbounded();
        a.malloc(3 * MIB);
        a.malloc(3 * MIB);
        assertEquals(20 * MIB, a.reserved());         // both come from one 20 MiB segment: 14 MiB remain cached
        assertEquals(6 * MIB, a.allocated());
    }

    @Test
    void largeRequestsGetTheirOwnSegmentRoundedToTwoMebibytes() {
        PytorchCachingAllocator a = PytorchCachingAllocator.unbounded();
        a.malloc(33 * MIB + 1);
        assertEquals(34 * MIB, a.reserved());
        // remainder 34 MiB − (33 MiB + 512 B) < 1 MiB: not split, so torch counts the whole block as allocated
        assertEquals(34 * MIB, a.allocated());
    }

    @Test
    void largeBlockSplitsOnlyWhenTheRemainderExceedsOneMebibyte() {
        PytorchCachingAllocator a = PytorchCachingAllocator.unbounded();
        long big = a.malloc(64 * MIB);
        a.free(big);
        long b = a.malloc(63 * MIB);                  // remainder exactly 1 MiB: not > kSmallSize, no split
        assertEquals(64 * MIB, a.blockSize(b));
        a.free(b);
        long c = a.malloc(62 * MIB);                  // remainder 2 MiB: split
        assertEquals(62 * MIB, a.blockSize(c));
        assertEquals(64 * MIB, a.reserved());
    }

    @Test
    void freedBlocksAreReusedBeforeNewSegments() {
        PytorchCachingAllocator a = PytorchCachingAllocator.unbounded();
        long x = a.malloc(40 * MIB);
        a.free(x);
        a.malloc(30 * MIB);                           // best fit: the cached 40 MiB block, split
        a.malloc(10 * MIB);                           // the 10 MiB remainder
        assertEquals(40 * MIB, a.reserved());
        assertEquals(40 * MIB, a.allocated());
    }

    @Test
    void bestFitTakesTheSmallestSufficientBlock() {
        PytorchCachingAllocator a = PytorchCachingAllocator.unbounded();
        long big = a.malloc(100 * MIB);
        long small = a.malloc(20 * MIB);
        a.free(big);
        a.free(small);
        a.malloc(18 * MIB);                           // fits in the 20 MiB block; the 100 MiB block stays whole
        long again = a.malloc(100 * MIB);
        assertEquals(100 * MIB, a.blockSize(again));
        assertEquals(120 * MIB, a.reserved());
    }

    @Test
    void splitNeighboursMergeWhenFreed() {
        PytorchCachingAllocator a = PytorchCachingAllocator.unbounded();
        long seg = a.malloc(60 * MIB);
        a.free(seg);
        long p = a.malloc(20 * MIB);
        long q = a.malloc(20 * MIB);
        long r = a.malloc(20 * MIB);
        a.free(p);
        a.free(r);
        a.free(q);                                    // merges with both neighbours into one 60 MiB block
        assertEquals(1, a.cachedBlocks());
        long whole = a.malloc(60 * MIB);
        assertEquals(60 * MIB, a.blockSize(whole));
        assertEquals(60 * MIB, a.reserved());
    }

    @Test
    void reserveNeverShrinksWithoutEmptyCache() {
        PytorchCachingAllocator a = PytorchCachingAllocator.unbounded();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(a.malloc(50 * MIB));
        }
        long peak = a.reserved();
        for (long id : ids) {
            a.free(id);
        }
        assertEquals(0, a.allocated());
        assertEquals(peak, a.reserved());
        assertEquals(peak, a.peakReserved());
        a.emptyCache();
        assertEquals(0, a.reserved());
        assertEquals(peak, a.peakReserved());         // the peak statistic survives empty_cache
    }

    @Test
    void emptyCacheKeepsSegmentsWithLiveBlocks() {
        PytorchCachingAllocator a = PytorchCachingAllocator.unbounded();
        long live = a.malloc(3 * MIB);                // in a 20 MiB segment
        long gone = a.malloc(50 * MIB);
        a.free(gone);
        a.emptyCache();
        assertEquals(20 * MIB, a.reserved());
        a.free(live);
        a.emptyCache();
        assertEquals(0, a.reserved());
    }

    @Test
    void outOfMemoryReleasesCachedSegmentsAndRetries() {
        long[] inUse = {0};
        long limit = 100 * MIB;
        PytorchCachingAllocator a = new PytorchCachingAllocator(new CachingAllocatorModel.SegmentSource() {
            @Override
            public long allocateSegment(long bytes) {
                if (inUse[0] + bytes > limit) {
                    return -1;
                }
                inUse[0] += bytes;
                return inUse[0];
            }

            @Override
            public void freeSegment(long handle, long bytes) {
                inUse[0] -= bytes;
            }
        });
        long x = a.malloc(60 * MIB);
        a.free(x);                                    // cached, 60 MiB reserved
        long y = a.malloc(70 * MIB);                  // 60 + 70 > 100: release the cached 60 MiB and retry
        assertTrue(y >= 0);
        assertEquals(70 * MIB, a.reserved());
        assertEquals(-1, a.malloc(40 * MIB));         // 70 + 40 > 100 with nothing cached: out of memory
    }

    @Test
    void peaksResetToTheCurrentLevel() {
        PytorchCachingAllocator a = PytorchCachingAllocator.unbounded();
        long x = a.malloc(30 * MIB);
        a.free(x);
        a.resetPeaks();
        assertEquals(0, a.peakAllocated());
        assertEquals(30 * MIB, a.peakReserved());
    }
}
