package dev.gpumem.compare;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Summary of signed relative errors, computed exactly as validation/score.py's {@code summarize}: median and 90th
 * percentile of the absolute relative error (linear interpolation between closest ranks, numpy's default), the
 * share of under-estimates (relative error &lt; 0), and the five worst cases by absolute error.
 *
 * @param n              number of errors
 * @param medianAbs      median |relative error|, or null when n = 0
 * @param p90Abs         90th percentile of |relative error|, or null when n = 0
 * @param shareUnder     share of errors below zero, or null when n = 0
 * @param worst          up to five worst, largest |error| first (ties keep input order)
 */
public record ErrorStats(int n, Double medianAbs, Double p90Abs, Double shareUnder, List<Named> worst) {
    public ErrorStats {
        worst = List.copyOf(worst);
    }

    /** @param id what the error belongs to; @param relativeError (estimate − truth) / truth */
    public record Named(String id, double relativeError) {
        public Named {
            Objects.requireNonNull(id, "id");
        }
    }

    public static ErrorStats of(List<Named> errors) {
        if (errors.isEmpty()) {
            return new ErrorStats(0, null, null, null, List.of());
        }
        List<Double> abs = new ArrayList<>();
        int under = 0;
        for (Named e : errors) {
            abs.add(Math.abs(e.relativeError()));
            if (e.relativeError() < 0) {
                under++;
            }
        }
        abs.sort(Comparator.naturalOrder());
        List<Named> worst = new ArrayList<>(errors);
        worst.sort(Comparator.comparingDouble((Named e) -> -Math.abs(e.relativeError())));
        return new ErrorStats(errors.size(), percentile(abs, 0.5), percentile(abs, 0.9),
                (double) under / errors.size(), worst.subList(0, Math.min(5, worst.size())));
    }

    /**
     * score.py's {@code percentile}: position (n − 1)·q between the two closest ranks, linearly interpolated.
     *
     * @param sorted ascending values
     */
    public static Double percentile(List<Double> sorted, double q) {
        if (sorted.isEmpty()) {
            return null;
        }
        if (sorted.size() == 1) {
            return sorted.get(0);
        }
        double pos = (sorted.size() - 1) * q;
        int lo = (int) pos;
        int hi = Math.min(lo + 1, sorted.size() - 1);
        return sorted.get(lo) + (sorted.get(hi) - sorted.get(lo)) * (pos - lo);
    }
}
