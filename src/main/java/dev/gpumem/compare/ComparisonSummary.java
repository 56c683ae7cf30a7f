package dev.gpumem.compare;

import dev.gpumem.estimate.Level;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Error statistics over a set of comparisons: all scored (phase, level) errors together, and per level.
 * Each error is named {@code label/phase/level}.
 *
 * @param overall  every scored error
 * @param byLevel  per level (a level with no scored error maps to n = 0)
 * @param absent   (phase, level) pairs whose measurement was absent
 */
public record ComparisonSummary(ErrorStats overall, Map<Level, ErrorStats> byLevel, int absent) {
    public ComparisonSummary {
        byLevel = Map.copyOf(byLevel);
    }

    public static ComparisonSummary of(List<Comparison> comparisons) {
        List<ErrorStats.Named> all = new ArrayList<>();
        Map<Level, List<ErrorStats.Named>> per = new EnumMap<>(Level.class);
        int absent = 0;
        for (Comparison c : comparisons) {
            for (LevelError e : c.errors()) {
                if (!e.scored()) {
                    absent++;
                    continue;
                }
                ErrorStats.Named named = new ErrorStats.Named(
                        c.label() + "/" + e.where() + "/" + e.level().wire(), e.relativeError());
                all.add(named);
                per.computeIfAbsent(e.level(), l -> new ArrayList<>()).add(named);
            }
        }
        Map<Level, ErrorStats> byLevel = new EnumMap<>(Level.class);
        for (Level l : Level.values()) {
            byLevel.put(l, ErrorStats.of(per.getOrDefault(l, List.of())));
        }
        return new ComparisonSummary(ErrorStats.of(all), byLevel, absent);
    }

    /** @return the largest |relative error| over every scored error, or 0 when none */
    public double worstAbs() {
        return overall.worst().isEmpty() ? 0 : Math.abs(overall.worst().get(0).relativeError());
    }
}
