package dev.gpumem.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The port of validation/score.py, checked against numbers worked out by hand. */
class ValidationScorerTest {

    private static TruthCase truth(String id, String metric, long bytes) {
        return new TruthCase(id, metric, bytes, "gpu", "complete", null, false);
    }

    private static EstimatorOutput out(String id, Long allocated, Long reserved, Long device) {
        return new EstimatorOutput(id, allocated, reserved, device, null, null, null, null);
    }

    @Test
    void percentileInterpolatesBetweenClosestRanksLikeScorePy() {
        // (n − 1)·q = 3·0.9 = 2.7: 3 + (4 − 3)·0.7 = 3.7
        assertEquals(3.7, ErrorStats.percentile(List.of(1.0, 2.0, 3.0, 4.0), 0.9), 1e-12);
        // 3·0.5 = 1.5: 2 + (3 − 2)·0.5 = 2.5
        assertEquals(2.5, ErrorStats.percentile(List.of(1.0, 2.0, 3.0, 4.0), 0.5), 1e-12);
        assertEquals(7.0, ErrorStats.percentile(List.of(7.0), 0.9), 1e-12);
        assertNull(ErrorStats.percentile(List.of(), 0.5));
    }

    @Test
    void scoresAHandComputedSet() {
        // a: allocated 110 vs 100 → +0.10;  b: allocated 80 vs 100 → −0.20;
        // c: device 150 vs 200 → −0.25;     d: reserved absent, falls back to allocated 210 vs 200 → +0.05
        // e: failed request → not scored;    f: no output at all → not scored
        List<TruthCase> truths = List.of(truth("a", "allocated", 100), truth("b", "allocated", 100),
                truth("c", "device", 200), truth("d", "reserved", 200), truth("e", "allocated", 100),
                truth("f", "device", 100));
        List<EstimatorOutput> outputs = List.of(out("a", 110L, 120L, 130L), out("b", 80L, 90L, 100L),
                out("c", 100L, 120L, 150L), out("d", 210L, null, null), EstimatorOutput.failed("e", "bad model"));
        ValidationScore s = ValidationScorer.score(outputs, truths);
        assertEquals(6, s.truthCases());
        assertEquals(4, s.scored());
        assertEquals(List.of("e", "f"), s.notScored());
        assertEquals(List.of("d"), s.fallbacks());
        // |errors| sorted: 0.05, 0.10, 0.20, 0.25; median at 1.5 → (0.10 + 0.20)/2 = 0.15;
        // p90 at 2.7 → 0.20 + 0.05·0.7 = 0.235; under: b and c = 2/4
        assertEquals(0.15, s.overall().medianAbs(), 1e-12);
        assertEquals(0.235, s.overall().p90Abs(), 1e-12);
        assertEquals(0.5, s.overall().shareUnder(), 1e-12);
        assertEquals("c", s.overall().worst().get(0).id());
        assertEquals(List.of("allocated", "reserved", "device"), List.copyOf(s.byMetric().keySet()));
        assertEquals(0.15, s.byMetric().get("allocated").medianAbs(), 1e-12);
        assertEquals(1, s.byMetric().get("device").n());
        assertNull(s.capacity());
    }

    @Test
    void capacityVerdictUsesFitsFieldElseDeviceAgainstTotal() {
        List<TruthCase> truths = List.of(new TruthCase("x", "fits", null, "a100", "complete", 1000L, true),
                new TruthCase("y", "does_not_fit", null, "a100", "complete", 1000L, false));
        // x: no fits field, device 990 ≤ 1000 → fits, correct; boundary error (990 − 1000)/1000 = −0.01
        // y: fits = true, but the truth says it does not → wrong
        List<EstimatorOutput> outputs = List.of(out("x", 900L, 950L, 990L),
                new EstimatorOutput("y", 10L, 10L, 10L, null, null, true, null));
        ValidationScore s = ValidationScorer.score(outputs, truths);
        assertEquals(2, s.capacity().n());
        assertEquals(1, s.capacity().correct());
        assertEquals(List.of("y"), s.capacity().wrong());
        assertEquals(-0.01, s.capacity().boundaryRelativeErrors().get("x"), 1e-12);
        assertEquals(0.01, s.capacity().boundaryMedianAbs(), 1e-12);
        assertEquals(0, s.overall().n());
    }
}
