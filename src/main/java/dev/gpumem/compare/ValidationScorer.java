package dev.gpumem.compare;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores estimator outputs against published measurements: a line-for-line port of validation/score.py
 * ({@code extract}, {@code verdict}, {@code score}), so that `gpumem validate` and the Python script agree.
 * Metric to output field: allocated → peak allocated; reserved → peak reserved, falling back to allocated;
 * device → peak device, falling back to reserved then allocated (a fallback is listed); weights and kv_cache →
 * the largest component over phases; fits / does_not_fit → the output's verdict, else peak device ≤ the truth's
 * GPU total.
 */
public final class ValidationScorer {
    static final List<String> BYTE_METRICS = List.of("allocated", "reserved", "device", "weights", "kv_cache");
    static final List<String> CAPACITY = List.of("fits", "does_not_fit");
    private static final List<String> TRUST = List.of("complete", "partial");

    private ValidationScorer() {
    }

    public static ValidationScore score(List<EstimatorOutput> outputs, List<TruthCase> truths) {
        Map<String, EstimatorOutput> byId = new HashMap<>();
        for (EstimatorOutput o : outputs) {
            byId.put(o.id(), o);
        }
        List<ValidationScore.Row> rows = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> fallbacks = new ArrayList<>();
        int capN = 0;
        int capCorrect = 0;
        List<String> capWrong = new ArrayList<>();
        Map<String, Double> boundary = new LinkedHashMap<>();
        for (TruthCase t : truths) {
            EstimatorOutput o = byId.get(t.id());
            if (o == null || o.error() != null) {
                missing.add(t.id());
                continue;
            }
            if (CAPACITY.contains(t.metric())) {
                Long device = firstPresent(o.device(), o.reserved(), o.allocated());
                Boolean fits = o.fits();
                if (fits == null && device != null && t.gpuTotalBytes() != null) {
                    fits = device <= t.gpuTotalBytes();
                }
                if (fits == null) {
                    missing.add(t.id());
                    continue;
                }
                capN++;
                if (fits == t.metric().equals("fits")) {
                    capCorrect++;
                } else {
                    capWrong.add(t.id());
                }
                if (t.boundary() && device != null && t.gpuTotalBytes() != null) {
                    boundary.put(t.id(), (double) (device - t.gpuTotalBytes()) / t.gpuTotalBytes());
                }
                continue;
            }
            Extracted v = extract(o, t.metric());
            if (v.value == null) {
                missing.add(t.id());
                continue;
            }
            if (v.fallback) {
                fallbacks.add(t.id());
            }
            rows.add(new ValidationScore.Row(t.id(), t.metric(), t.trust(), v.value, t.bytes()));
        }
        Map<String, ErrorStats> byMetric = new LinkedHashMap<>();
        for (String m : BYTE_METRICS) {
            List<ValidationScore.Row> sub = rows.stream().filter(r -> r.metric().equals(m)).toList();
            if (!sub.isEmpty()) {
                byMetric.put(m, stats(sub));
            }
        }
        Map<String, ErrorStats> byTrust = new LinkedHashMap<>();
        for (String tr : TRUST) {
            List<ValidationScore.Row> sub = rows.stream().filter(r -> tr.equals(r.trust())).toList();
            if (!sub.isEmpty()) {
                byTrust.put(tr, stats(sub));
            }
        }
        ValidationScore.Capacity capacity = null;
        if (capN > 0) {
            List<Double> abs = new ArrayList<>(boundary.values().stream().map(Math::abs).toList());
            abs.sort(Comparator.naturalOrder());
            capacity = new ValidationScore.Capacity(capN, capCorrect, capWrong, boundary,
                    abs.isEmpty() ? null : ErrorStats.percentile(abs, 0.5));
        }
        return new ValidationScore(truths.size(), rows.size() + capN, missing, fallbacks, stats(rows), byMetric,
                byTrust, capacity, rows);
    }

    private static ErrorStats stats(List<ValidationScore.Row> rows) {
        return ErrorStats.of(rows.stream().map(r -> new ErrorStats.Named(r.id(), r.relativeError())).toList());
    }

    private record Extracted(Long value, boolean fallback) {
    }

    private static Extracted extract(EstimatorOutput o, String metric) {
        return switch (metric) {
            case "allocated" -> new Extracted(o.allocated(), false);
            case "reserved" -> o.reserved() != null ? new Extracted(o.reserved(), false)
                    : new Extracted(o.allocated(), o.allocated() != null);
            case "device" -> o.device() != null ? new Extracted(o.device(), false)
                    : fallback(firstPresent(o.reserved(), o.allocated()));
            case "weights" -> new Extracted(o.weights(), false);
            case "kv_cache" -> new Extracted(o.kvCache(), false);
            default -> new Extracted(null, false);
        };
    }

    private static Extracted fallback(Long v) {
        return new Extracted(v, v != null);
    }

    private static Long firstPresent(Long... values) {
        for (Long v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
