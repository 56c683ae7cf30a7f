package dev.gpumem.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpumem.compare.ValidationScore;

/** `gpumem validate --json`: the same object score.py's {@code --json} writes (without its "capacity_rows"). */
public final class ValidationScoreJson {
    private ValidationScoreJson() {
    }

    public static String toJson(ValidationScore s) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("truth_cases", s.truthCases());
        root.put("scored", s.scored());
        ArrayNode ns = root.putArray("not_scored");
        s.notScored().forEach(ns::add);
        ArrayNode fb = root.putArray("fallbacks");
        s.fallbacks().forEach(fb::add);
        root.set("overall", ComparisonJson.stats(s.overall()));
        ObjectNode bm = root.putObject("by_metric");
        s.byMetric().forEach((k, v) -> bm.set(k, ComparisonJson.stats(v)));
        ObjectNode bt = root.putObject("by_trust");
        s.byTrust().forEach((k, v) -> bt.set(k, ComparisonJson.stats(v)));
        if (s.capacity() != null) {
            ObjectNode c = root.putObject("capacity");
            c.put("n", s.capacity().n());
            c.put("correct", s.capacity().correct());
            ArrayNode w = c.putArray("wrong");
            s.capacity().wrong().forEach(w::add);
            ObjectNode b = c.putObject("boundary_rel_err");
            s.capacity().boundaryRelativeErrors().forEach((k, v) -> b.put(k, Math.round(v * 1e4) / 1e4));
            c.put("boundary_median_abs_rel_err", s.capacity().boundaryMedianAbs());
        }
        ArrayNode rows = root.putArray("rows");
        for (ValidationScore.Row r : s.rows()) {
            rows.addObject().put("id", r.id()).put("metric", r.metric()).put("trust", r.trust())
                    .put("estimate", r.estimate()).put("truth", r.truth()).put("rel_err", r.relativeError());
        }
        return ComparisonJson.write(root);
    }
}
