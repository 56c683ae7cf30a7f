package dev.gpumem.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpumem.compare.Comparison;
import dev.gpumem.compare.ComparisonSummary;
import dev.gpumem.compare.ErrorStats;
import dev.gpumem.compare.JobComparison;
import dev.gpumem.compare.LevelError;
import dev.gpumem.compare.NonTorchRow;
import dev.gpumem.estimate.Level;
import java.util.List;

/**
 * `gpumem compare --json`: every (profile, phase, level) row and the summary. Absent measurements are
 * {@code "measured_bytes": null} with the reason in {@code "measured_as"}, never 0.
 * <pre>
 * { "comparisons": [ { "profile", "device", "runner", "rows": [ { "phase", "level", "estimate_bytes",
 *     "measured_bytes", "error_bytes", "error_rel", "measured_as", "check", "state" } ],
 *     "non_torch": [ { "rank", "phase", "estimate_bytes", "measured_bytes", "error_bytes" } ], "notes": [] } ],
 *   "jobs": [ { "job", "profiles": [], "ranks", "worst": { "rank", "phase", "level", "error_rel" },
 *               "run_peak_spread_bytes": { LEVEL: { "bytes", "max_rank", "min_rank" } } } ],
 *   "summary": { "absent": N, "overall": STATS, "by_level": { "allocated": STATS, ... },
 *                "plan_checks": { "plan_check": STATS, "device_overhead_check": STATS }, "out_of_memory": [] } }
 * check: estimate_error, or a replay's plan_check / device_overhead_check (compare.Evidence), which overall and
 * by_level leave out; state: measured, out_of_memory (the state at the failure: no error) or not_run.
 * STATS = { "n", "median_abs_rel_err", "p90_abs_rel_err", "share_under", "worst5": [ { "id", "rel_err" } ] }
 * </pre>
 * The statistics use score.py's names.
 */
public final class ComparisonJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ComparisonJson() {
    }

    public static String toJson(List<Comparison> comparisons, ComparisonSummary summary) {
        return toJson(comparisons, List.of(), summary);
    }

    /** @param jobs the job profiles among the comparisons (their nodes are in {@code comparisons} too) */
    public static String toJson(List<Comparison> comparisons, List<JobComparison> jobs, ComparisonSummary summary) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode list = root.putArray("comparisons");
        for (Comparison c : comparisons) {
            ObjectNode o = list.addObject();
            o.put("profile", c.label());
            o.put("device", c.profile().provenance().device().name());
            o.put("device_kind", c.profile().provenance().device().kind().name().toLowerCase(java.util.Locale.ROOT));
            o.put("runner", c.profile().provenance().runner());
            ArrayNode rows = o.putArray("rows");
            for (LevelError e : c.errors()) {
                ObjectNode r = rows.addObject();
                r.put("phase", e.phase());
                if (e.rank() != null) {
                    r.put("rank", e.rank());
                }
                r.put("level", e.level().wire());
                r.put("estimate_bytes", e.estimated());
                r.put("measured_bytes", e.measured().bytes());
                r.put("error_bytes", e.errorBytes());
                r.put("error_rel", e.relativeError());
                r.put("measured_as", e.measured().basis());
                r.put("check", e.evidence().wire());
                r.put("state", e.state().name().toLowerCase(java.util.Locale.ROOT));
            }
            ArrayNode nonTorch = o.putArray("non_torch");
            for (NonTorchRow n : c.nonTorchRows()) {
                nonTorch.addObject().put("rank", n.rank()).put("phase", n.phase()).put("estimate_bytes", n.estimated())
                        .put("measured_bytes", n.measured()).put("error_bytes", n.errorBytes());
            }
            ArrayNode notes = o.putArray("notes");
            c.notes().forEach(notes::add);
        }
        ArrayNode jobList = root.putArray("jobs");
        for (JobComparison j : jobs) {
            ObjectNode o = jobList.addObject();
            o.put("job", j.label());
            ArrayNode nodes = o.putArray("profiles");
            j.nodes().forEach(c -> nodes.add(c.label()));
            j.spread().ifPresent(r -> {
                o.put("ranks", r.ranks());
                if (r.worst() != null) {
                    o.putObject("worst").put("rank", r.worst().rank()).put("phase", r.worst().phase())
                            .put("level", r.worst().level().wire()).put("error_rel", r.worst().relativeError());
                }
                ObjectNode spread = o.putObject("run_peak_spread_bytes");
                r.spreads().forEach((level, sp) -> spread.putObject(level.wire()).put("bytes", sp.bytes())
                        .put("max_rank", sp.maxRank()).put("min_rank", sp.minRank()));
            });
        }
        ObjectNode s = root.putObject("summary");
        s.put("absent", summary.absent());
        s.set("overall", stats(summary.overall()));
        ObjectNode by = s.putObject("by_level");
        for (Level l : Level.values()) {
            by.set(l.wire(), stats(summary.byLevel().get(l)));
        }
        ObjectNode plan = s.putObject("plan_checks");
        summary.planChecks().forEach((k, st) -> plan.set(k.wire(), stats(st)));
        ArrayNode oom = s.putArray("out_of_memory");
        summary.outOfMemory().forEach(oom::add);
        return write(root);
    }

    /** score.py's summary object: n, median_abs_rel_err, p90_abs_rel_err, share_under, worst5. */
    static ObjectNode stats(ErrorStats st) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("n", st.n());
        if (st.n() == 0) {
            return o;
        }
        o.put("median_abs_rel_err", st.medianAbs());
        o.put("p90_abs_rel_err", st.p90Abs());
        o.put("share_under", st.shareUnder());
        ArrayNode w = o.putArray("worst5");
        for (ErrorStats.Named n : st.worst()) {
            w.addObject().put("id", n.id()).put("rel_err", Math.round(n.relativeError() * 1e4) / 1e4);
        }
        return o;
    }

    static String write(ObjectNode root) {
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON tree", e);
        }
    }
}
