package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpumem.compare.ErrorStats;
import dev.gpumem.compare.ValidationScore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keeps the estimator's error on the published cases (validation/) from getting worse: the median absolute relative
 * error, overall and per metric, must stay at or below the thresholds committed in validation/baseline.json. The
 * thresholds are the values of a real run rounded up a little; lower them when the estimator improves.
 */
class ValidationBaselineTest {
    static final Path DIR = Path.of("validation");

    @Test
    void medianErrorOnPublishedCasesDoesNotGetWorse() throws IOException {
        JsonNode baseline = new ObjectMapper().readTree(Files.readString(DIR.resolve("baseline.json")));
        ValidationScore score = ValidationRun.run(DIR, new Workbench());
        check("overall", score.overall(), baseline.path("overall_median_abs_rel_err"));
        for (Iterator<Map.Entry<String, JsonNode>> it = baseline.path("by_metric").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            ErrorStats s = score.byMetric().get(m.getKey());
            assertTrue(s != null, "metric " + m.getKey() + " has a threshold but no scored case any more");
            check(m.getKey(), s, m.getValue());
        }
        int minScored = baseline.path("min_scored").asInt(0);
        assertTrue(score.scored() >= minScored, "only " + score.scored() + " cases scored, baseline scored "
                + minScored + "; not scored: " + score.notScored());
    }

    private static void check(String name, ErrorStats s, JsonNode threshold) {
        assertTrue(threshold.isNumber(), "validation/baseline.json has no threshold for " + name);
        assertTrue(s.medianAbs() <= threshold.asDouble(), String.format(Locale.ROOT,
                "%s: median |relative error| %.4f is above the committed %.4f (worst: %s)", name, s.medianAbs(),
                threshold.asDouble(), s.worst()));
    }
}
