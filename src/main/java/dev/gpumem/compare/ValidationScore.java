package dev.gpumem.compare;

import java.util.List;
import java.util.Map;

/**
 * The result of scoring estimator outputs against the published truth (validation/score.py's {@code score}).
 *
 * @param truthCases   number of truth cases
 * @param scored       byte rows plus capacity rows
 * @param notScored    ids without a usable estimate (missing, failed, or the field absent)
 * @param fallbacks    ids scored on a lower level because the asked one was absent
 * @param overall      every byte row
 * @param byMetric     per byte metric, in score.py's order, only metrics with rows
 * @param byTrust      per trust (complete, partial), only those with rows
 * @param capacity     capacity verdicts, or null when there are none
 * @param rows         byte rows
 */
public record ValidationScore(int truthCases, int scored, List<String> notScored, List<String> fallbacks,
                              ErrorStats overall, Map<String, ErrorStats> byMetric, Map<String, ErrorStats> byTrust,
                              Capacity capacity, List<Row> rows) {
    public ValidationScore {
        notScored = List.copyOf(notScored);
        fallbacks = List.copyOf(fallbacks);
        byMetric = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(byMetric));
        byTrust = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(byTrust));
        rows = List.copyOf(rows);
    }

    /** One scored byte metric: relative error (estimate − truth) / truth. */
    public record Row(String id, String metric, String trust, long estimate, long truth) {
        public double relativeError() {
            return (double) (estimate - truth) / truth;
        }
    }

    /**
     * @param n                      verdicts scored
     * @param correct                verdicts that agree with the truth
     * @param wrong                  ids whose verdict disagrees
     * @param boundaryRelativeErrors per boundary case: (device estimate − budget) / budget
     * @param boundaryMedianAbs      median |boundary error|, or null without boundary cases
     */
    public record Capacity(int n, int correct, List<String> wrong, Map<String, Double> boundaryRelativeErrors,
                           Double boundaryMedianAbs) {
        public Capacity {
            wrong = List.copyOf(wrong);
            boundaryRelativeErrors = java.util.Collections.unmodifiableMap(
                    new java.util.LinkedHashMap<>(boundaryRelativeErrors));
        }
    }
}
