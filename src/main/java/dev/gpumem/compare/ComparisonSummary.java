package dev.gpumem.compare;

import dev.gpumem.estimate.Level;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Error statistics over a set of comparisons: the estimate errors together, and per level. Each error is named
 * {@code label/phase/level}.
 *
 * <p>Only rows measured independently of the estimator ({@link Evidence#ESTIMATE_ERROR}) are estimate errors. A
 * replay's rows are plan checks and have statistics of their own in {@link #planChecks()}: the probe/plan check
 * ({@link Evidence#PLAN_CHECK}) and, on a GPU, the device level, a real measurement of the CUDA context and
 * cudaMalloc granularity over the plan ({@link Evidence#DEVICE_OVERHEAD_CHECK}). Rows of phases that ran out of
 * memory or never ran are in no statistics; {@link #outOfMemory()} names them.
 *
 * @param overall     every scored estimate error
 * @param byLevel     estimate errors per level (a level with no scored error maps to n = 0)
 * @param absent      (phase, level) pairs of phases that ran whose measurement was absent
 * @param planChecks  per plan-check kind ({@link Evidence#PLAN_CHECK}, {@link Evidence#DEVICE_OVERHEAD_CHECK}),
 *                    the scored rows of that kind (n = 0 when none)
 * @param outOfMemory one line per profile that ran out of memory: where, and which phases are not compared
 */
public record ComparisonSummary(ErrorStats overall, Map<Level, ErrorStats> byLevel, int absent,
                                Map<Evidence, ErrorStats> planChecks, List<String> outOfMemory) {
    public ComparisonSummary {
        byLevel = Map.copyOf(byLevel);
        planChecks = Map.copyOf(planChecks);
        outOfMemory = List.copyOf(outOfMemory);
    }

    public static ComparisonSummary of(List<Comparison> comparisons) {
        List<ErrorStats.Named> all = new ArrayList<>();
        Map<Level, List<ErrorStats.Named>> per = new EnumMap<>(Level.class);
        Map<Evidence, List<ErrorStats.Named>> checks = new EnumMap<>(Evidence.class);
        List<String> oom = new ArrayList<>();
        int absent = 0;
        for (Comparison c : comparisons) {
            List<String> notCompared = new ArrayList<>();
            for (LevelError e : c.errors()) {
                if (e.state() != LevelError.State.MEASURED) {
                    if (!notCompared.contains(e.where())) {
                        notCompared.add(e.where());
                    }
                    continue;
                }
                if (!e.scored()) {
                    absent++;
                    continue;
                }
                ErrorStats.Named named = new ErrorStats.Named(
                        c.label() + "/" + e.where() + "/" + e.level().wire(), e.relativeError());
                if (e.evidence().checksTheEstimate()) {
                    all.add(named);
                    per.computeIfAbsent(e.level(), l -> new ArrayList<>()).add(named);
                } else {
                    checks.computeIfAbsent(e.evidence(), k -> new ArrayList<>()).add(named);
                }
            }
            c.outOfMemory().ifPresent(event -> oom.add(c.label() + ": " + event.message()
                    + (notCompared.isEmpty() ? "" : "; not compared: " + String.join(", ", notCompared))));
        }
        Map<Level, ErrorStats> byLevel = new EnumMap<>(Level.class);
        for (Level l : Level.values()) {
            byLevel.put(l, ErrorStats.of(per.getOrDefault(l, List.of())));
        }
        Map<Evidence, ErrorStats> planChecks = new EnumMap<>(Evidence.class);
        for (Evidence k : Evidence.values()) {
            if (!k.checksTheEstimate()) {
                planChecks.put(k, ErrorStats.of(checks.getOrDefault(k, List.of())));
            }
        }
        return new ComparisonSummary(ErrorStats.of(all), byLevel, absent, planChecks, oom);
    }

    /** @return the largest |relative error| over every scored estimate error, or 0 when none */
    public double worstAbs() {
        return overall.worst().isEmpty() ? 0 : Math.abs(overall.worst().get(0).relativeError());
    }
}
