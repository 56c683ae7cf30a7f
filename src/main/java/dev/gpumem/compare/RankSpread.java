package dev.gpumem.compare;

import dev.gpumem.estimate.Level;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the ranks of a multi-process profile differ: the worst per-rank error against the (per-rank) estimate, and
 * per level the spread of the ranks' run-wide peaks (imbalance: max − min).
 *
 * @param ranks   number of ranks
 * @param worst   the scored per-rank error with the largest |relative error|, or null when none is scored
 * @param spreads per level measured on every rank: the spread of the run-wide peaks
 */
public record RankSpread(int ranks, LevelError worst, Map<Level, Spread> spreads) {
    public RankSpread {
        spreads = Map.copyOf(spreads);
    }

    /**
     * @param min     lowest run-wide peak of a rank, bytes
     * @param max     highest, bytes
     * @param minRank the rank with the lowest
     * @param maxRank the rank with the highest
     */
    public record Spread(long min, long max, int minRank, int maxRank) {
        public long bytes() {
            return max - min;
        }
    }

    /** @return the spread of a comparison whose profile has per-rank readings, else empty */
    public static Optional<RankSpread> of(Comparison c) {
        return c.profile().ranks().isEmpty() ? Optional.empty() : ofJob(List.of(c));
    }

    /**
     * @return the spread over every rank of a job's node comparisons (one per node's profile; rank numbers are
     *         unique across the job, as {@code gpumem merge} checks), or empty when no node has per-rank readings
     */
    public static Optional<RankSpread> ofJob(List<Comparison> nodes) {
        int ranks = 0;
        LevelError worst = null;
        for (Comparison c : nodes) {
            ranks += c.profile().ranks().size();
            List<LevelError> all = new ArrayList<>(c.errors());
            all.addAll(c.runPeakErrors());
            for (LevelError e : all) {
                if (e.rank() != null && e.scored()
                        && (worst == null || Math.abs(e.relativeError()) > Math.abs(worst.relativeError()))) {
                    worst = e;
                }
            }
        }
        if (ranks == 0) {
            return Optional.empty();
        }
        Map<Level, Spread> spreads = new EnumMap<>(Level.class);
        for (Level level : Level.values()) {
            Spread s = null;
            boolean everyRank = true;
            for (Comparison c : nodes) {
                for (var rank : c.profile().ranks()) {
                    Measured m = MeasuredLevels.ofRunPeak(c.profile(), rank.peak(), rank.effectiveBaseline(), level);
                    if (!m.present()) {
                        everyRank = false;
                        break;
                    }
                    long v = m.bytes();
                    if (s == null) {
                        s = new Spread(v, v, rank.rank(), rank.rank());
                    } else {
                        s = new Spread(Math.min(s.min(), v), Math.max(s.max(), v),
                                v < s.min() ? rank.rank() : s.minRank(), v > s.max() ? rank.rank() : s.maxRank());
                    }
                }
            }
            if (everyRank && s != null) {
                spreads.put(level, s);
            }
        }
        return Optional.of(new RankSpread(ranks, worst, spreads));
    }
}
