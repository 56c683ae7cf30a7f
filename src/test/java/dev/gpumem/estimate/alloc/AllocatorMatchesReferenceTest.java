package dev.gpumem.estimate.alloc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The fast allocator (primitive arrays, bucketed free lists, whole-segment list for releases) against the plain
 * {@link ReferenceCachingAllocator}: after every operation of long random workloads both report the same block
 * size and address, allocated and reserved bytes and peaks, including under a segment limit that forces cached
 * segments to be released.
 */
class AllocatorMatchesReferenceTest {
    private static final long MIB = 1L << 20;

    /** A segment source with a limit that, like the estimator's, refuses once and then grants the retry. */
    private static final class Limited implements CachingAllocatorModel.SegmentSource {
        final long limit;
        long inUse;
        long handles;
        final boolean grantRetry;
        boolean refused;

        Limited(long limit, boolean grantRetry) {
            this.limit = limit;
            this.grantRetry = grantRetry;
        }

        @Override
        public long allocateSegment(long bytes) {
            if (inUse + bytes > limit && !(grantRetry && refused)) {
                refused = true;
                return -1;
            }
            refused = false;
            inUse += bytes;
            return handles++;
        }

        @Override
        public void freeSegment(long handle, long bytes) {
            inUse -= bytes;
        }
    }

    private static long request(SplittableRandom r) {
        return switch (r.nextInt(6)) {
            case 0 -> 1 + r.nextInt(4096);                               // tiny: rounded to 512 B
            case 1 -> 512L * (1 + r.nextInt(2048));                      // small pool, up to 1 MiB
            case 2 -> MIB + r.nextLong(9 * MIB);                         // 1-10 MiB: 20 MiB segments
            case 3 -> 10 * MIB + r.nextLong(200 * MIB);                  // large: rounded to 2 MiB
            case 4 -> 4 * MIB;                                           // many equal sizes: ties by address
            default -> 256 * 1024;
        };
    }

    private static void run(long seed, long limit, boolean grantRetry, int ops) {
        SplittableRandom r = new SplittableRandom(seed);
        PytorchCachingAllocator fast = new PytorchCachingAllocator(new Limited(limit, grantRetry));
        ReferenceCachingAllocator ref = new ReferenceCachingAllocator(new Limited(limit, grantRetry));
        List<long[]> live = new ArrayList<>();                           // {fast id, reference id}
        for (int i = 0; i < ops; i++) {
            int what = r.nextInt(100);
            if (what < 55 || live.isEmpty()) {
                long bytes = request(r);
                long f = fast.malloc(bytes);
                long g = ref.malloc(bytes);
                assertEquals(g < 0, f < 0, "op " + i + ": out of memory in one only");
                if (f >= 0) {
                    assertEquals(ref.blockSize(g), fast.blockSize(f), "op " + i + ": block size");
                    assertEquals(ref.address(g), fast.address(f), "op " + i + ": block address");
                    live.add(new long[] {f, g});
                }
            } else if (what < 98) {
                long[] pair = live.remove(r.nextInt(live.size()));
                fast.free(pair[0]);
                ref.free(pair[1]);
            } else if (what == 98) {
                fast.emptyCache();
                ref.emptyCache();
            } else {
                fast.resetPeaks();
                ref.resetPeaks();
            }
            assertEquals(ref.allocated(), fast.allocated(), "op " + i + ": allocated");
            assertEquals(ref.reserved(), fast.reserved(), "op " + i + ": reserved");
            assertEquals(ref.peakAllocated(), fast.peakAllocated(), "op " + i + ": peak allocated");
            assertEquals(ref.peakReserved(), fast.peakReserved(), "op " + i + ": peak reserved");
        }
    }

    @Test
    void sameBlocksAndLevelsAsTheReferenceWithoutALimit() {
        for (long seed = 1; seed <= 4; seed++) {
            run(seed, Long.MAX_VALUE, false, 20_000);
        }
    }

    @Test
    void sameBlocksAndLevelsAsTheReferenceWhenSegmentsMustBeReleased() {
        for (long seed = 11; seed <= 14; seed++) {
            run(seed, 1024 * MIB, false, 20_000);                       // refusals reach the caller
            run(seed, 1024 * MIB, true, 20_000);                        // the estimator's refuse-once source
        }
    }
}
