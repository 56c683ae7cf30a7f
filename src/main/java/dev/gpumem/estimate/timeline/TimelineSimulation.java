package dev.gpumem.estimate.timeline;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.Term;
import dev.gpumem.estimate.alloc.CachingAllocatorModel;
import dev.gpumem.estimate.alloc.PytorchCachingAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Runs a {@link Timeline} through the caching-allocator model and finds, per phase, the moment of the highest
 * allocated figure as torch counts it (the allocated level, {@code torch.cuda.max_memory_allocated}), the segment
 * bytes (the reserved level) and the live tensors at that moment. Torch's figure is the sum of the blocks handed out:
 * each tensor rounded up to 512 B, and a large-pool block whose remainder is at most 1 MiB is not split and counts
 * whole (c10/cuda/CUDACachingAllocator.cpp {@code should_split}; {@code malloc} adds {@code block->size} to
 * {@code allocated_bytes}). The difference to the live tensors is one term, {@code allocator.unsplit_remainders}.
 * A phase with several windows (micro-steps) takes the highest window.
 */
public final class TimelineSimulation {
    private TimelineSimulation() {
    }

    /** {@link #run(Timeline, int, long)} without a memory limit. */
    public static List<PhasePeak> run(Timeline timeline, int layers) {
        return run(timeline, layers, Long.MAX_VALUE);
    }

    /**
     * @param timeline the events
     * @param layers   the number of blocks in the timeline, printed as {@code L} when a kind has that many live
     *                 tensors at a peak
     * @param capacity bytes the allocator may reserve (the card's memory less the context): when a new segment
     *                 would exceed it, the allocator releases its cached segments and retries, as c10 does after a
     *                 failed cudaMalloc. A request that still does not fit is granted anyway (the run would be out
     *                 of memory; the fit verdict says so) so that every phase keeps a number.
     * @return one peak per phase that occurs, in {@link Phase} order
     */
    public static List<PhasePeak> run(Timeline timeline, int layers, long capacity) {
        // live blocks are at most the live tensors, plus about as many cached remainders
        int blocks = Math.min(1 << 16, timeline.tensorCount() / 2 + 64);
        return run(timeline, layers, capacity, segments -> new PytorchCachingAllocator(segments, blocks));
    }

    /**
     * {@link #run(Timeline, int, long)} through another implementation of the caching-allocator rules (tests compare
     * the production allocator with a plain reference implementation this way).
     */
    public static List<PhasePeak> run(Timeline timeline, int layers, long capacity,
                                      Function<CachingAllocatorModel.SegmentSource, CachingAllocatorModel> allocators) {
        int phases = Phase.values().length;
        long[] peak = new long[phases];
        long[] peakLive = new long[phases];
        int[] peakEvent = new int[phases];
        long[] reserved = new long[phases];
        boolean[] seen = new boolean[phases];
        Arrays.fill(peakEvent, -1);

        CappedSegments segments = new CappedSegments(capacity);
        CachingAllocatorModel allocator = allocators.apply(segments);
        long[] block = new long[timeline.tensorCount()];
        int kinds = timeline.kindCount();
        long[] kindBlock = new long[kinds];
        long[] kindBytes = new long[kinds];
        for (int k = 0; k < kinds; k++) {
            kindBlock[k] = timeline.kind(k).blockBytes();
            kindBytes[k] = timeline.kind(k).bytes();
        }
        long live = 0;
        int current = -1;
        int n = timeline.events();
        for (int e = 0; e < n; e++) {
            int a = timeline.arg(e);
            switch (timeline.op(e)) {
                case Timeline.PHASE -> {
                    if (current >= 0) {
                        reserved[current] = Math.max(reserved[current], allocator.peakReserved());
                    }
                    current = a;
                    allocator.resetPeaks();
                    long counted = allocator.allocated();
                    if (!seen[current] || counted > peak[current]) {
                        seen[current] = true;
                        peak[current] = counted;
                        peakLive[current] = live;
                        peakEvent[current] = e;
                    }
                }
                case Timeline.ALLOC -> {
                    int k = timeline.kindOf(a);
                    live += kindBlock[k];
                    long b = allocator.malloc(kindBytes[k]);
                    if (b < 0) {
                        segments.overflow = true;
                        b = allocator.malloc(kindBytes[k]);
                        segments.overflow = false;
                    }
                    block[a] = b;
                    long counted = allocator.allocated();
                    if (current >= 0 && counted > peak[current]) {
                        peak[current] = counted;
                        peakLive[current] = live;
                        peakEvent[current] = e;
                    }
                }
                case Timeline.FREE -> {
                    live -= kindBlock[timeline.kindOf(a)];
                    allocator.free(block[a]);
                }
                default -> throw new IllegalStateException("unknown event");
            }
        }
        if (current >= 0) {
            reserved[current] = Math.max(reserved[current], allocator.peakReserved());
        }
        return collectTerms(timeline, layers, peak, peakLive, peakEvent, reserved, seen);
    }

    private static List<PhasePeak> collectTerms(Timeline timeline, int layers, long[] peak, long[] peakLive,
                                                int[] peakEvent, long[] reserved, boolean[] seen) {
        int phases = peak.length;
        int[][] countsAtPeak = new int[phases][];
        int[] counts = new int[timeline.kindCount()];
        long[] order = new long[phases];         // (peak event, phase) packed, in event order
        int wanted = 0;
        for (int p = 0; p < phases; p++) {
            if (peakEvent[p] >= 0) {
                order[wanted++] = ((long) peakEvent[p] << 8) | p;
            }
        }
        java.util.Arrays.sort(order, 0, wanted);
        int next = 0;
        int n = timeline.events();
        for (int e = 0; e < n && next < wanted; e++) {
            byte op = timeline.op(e);
            if (op == Timeline.ALLOC) {
                counts[timeline.kindOf(timeline.arg(e))]++;
            } else if (op == Timeline.FREE) {
                counts[timeline.kindOf(timeline.arg(e))]--;
            }
            while (next < wanted && (order[next] >>> 8) == e) {
                countsAtPeak[(int) (order[next] & 0xff)] = counts.clone();
                next++;
            }
        }
        List<PhasePeak> out = new ArrayList<>();
        for (Phase phase : Phase.values()) {
            int p = phase.ordinal();
            if (!seen[p]) {
                continue;
            }
            List<Term> terms = new ArrayList<>();
            int[] c = countsAtPeak[p];
            for (int k = 0; k < c.length; k++) {
                if (c[k] > 0) {
                    terms.add(term(timeline.kind(k), c[k], layers));
                }
            }
            if (peak[p] > peakLive[p]) {
                terms.add(unsplitRemainders(peak[p] - peakLive[p]));
            }
            out.add(new PhasePeak(phase, peak[p], reserved[p], terms));
        }
        return out;
    }

    /**
     * Segments up to a capacity. A request beyond it is refused once, so that the allocator releases its cached
     * segments and asks again; the repeated request is granted whether or not it now fits (the run is out of
     * memory; the fit verdict says so). Granting the retry gives the same state as letting the allocator fail and
     * asking again with {@link #overflow} set (releasing cached segments adds no free block, so the second
     * best-fit search would fail too), without that second search.
     */
    private static final class CappedSegments implements CachingAllocatorModel.SegmentSource {
        private final long capacity;
        private long inUse;
        private long handles;
        private boolean refused;
        boolean overflow;

        CappedSegments(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public long allocateSegment(long bytes) {
            if (!overflow && !refused && inUse + bytes > capacity) {
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

    /**
     * The large-pool blocks handed out whole because their remainder was at most 1 MiB (torch counts them in
     * allocated_bytes; they are no tensor's bytes).
     */
    static Term unsplitRemainders(long bytes) {
        return Term.lazy("allocator.unsplit_remainders", Component.ALLOCATOR_SLACK, Source.PYTORCH_CCA, bytes,
                new Term.Explanation() {
                    @Override
                    public String formula() {
                        return "sum over live large blocks of (block size - rounded request), each at most 1 MiB";
                    }

                    @Override
                    public String values() {
                        return Long.toString(bytes);
                    }
                });
    }

    /**
     * @return {@code count} live tensors of one kind as a term: {@code L·b·s·h·2 B = 32·1·4096·4096·2}; its
     *         formula and values are written when read (see {@link KindCount})
     */
    static Term term(TensorKind kind, int count, int layers) {
        return Term.lazy(kind.name(), kind.component(), kind.source(),
                Math.multiplyExact((long) count, kind.blockBytes()), new KindCount(kind, count, layers));
    }

    /**
     * The formula and values of {@code count} live tensors of one kind: the kind's own, inside {@code round512(..)}
     * when the allocator rounds the tensor up, times the count ({@code L} when it is the number of blocks).
     */
    private record KindCount(TensorKind kind, int count, int layers) implements Term.Explanation {
        @Override
        public String formula() {
            String f = kind.formula();
            if (kind.blockBytes() != kind.bytes()) {
                f = "round512(" + f + ")";
            }
            return count > 1 ? (count == layers && layers > 1 ? "L" : Integer.toString(count)) + "·" + f : f;
        }

        @Override
        public String values() {
            String v = kind.values();
            if (kind.blockBytes() != kind.bytes()) {
                v = "round512(" + v + ")";
            }
            return count > 1 ? count + "·" + v : v;
        }
    }
}
