package dev.gpumem.report;

import dev.gpumem.compare.ErrorStats;
import dev.gpumem.compare.ValidationScore;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * `gpumem validate`'s text: {@link #render} a table in percentages, as `compare` prints its statistics, with a
 * legend; {@link #renderScorePyLines} the same lines as validation/score.py's {@code report} (errors as fractions,
 * 0.123 = 12.3 %), so the two can be diffed.
 */
public final class ValidationScoreTextWriter {
    /** How many of the worst cases a row of the table names. */
    private static final int WORST_SHOWN = 3;

    static final String LEGEND = """
            error = (estimate - measured) / measured, per case, at the level its truth was measured at
              (allocated: torch.cuda.max_memory_allocated; device: NVML / nvidia-smi used).
            complete: the source states everything the case needs; partial: it leaves part of the run ambiguous
              (a default, the measuring GPU) and the case assumes it (its note in truth.jsonl says what), so its
              error mixes the estimator's with the assumption's.
            under-estimates: the share of cases whose estimate is below the measurement (the ones that could OOM).
            """;

    private ValidationScoreTextWriter() {
    }

    /** @return the scores as a table in percentages, then the legend and the scored count */
    public static String render(ValidationScore s) {
        TextTable t = new TextTable("cases", "n", "median |error|", "p90 |error|", "under-estimates",
                "worst (signed)");
        row(t, "all", s.overall());
        s.byMetric().forEach((m, st) -> row(t, "level " + m, st));
        s.byTrust().forEach((m, st) -> row(t, m, st));
        StringBuilder out = new StringBuilder(t.render());
        if (s.capacity() != null) {
            ValidationScore.Capacity c = s.capacity();
            out.append(String.format(Locale.ROOT, "fits/does not fit: %d of %d verdicts correct%s; boundary median "
                    + "|error| %s%n", c.correct(), c.n(), c.wrong().isEmpty() ? "" : " (wrong: "
                    + String.join(", ", c.wrong()) + ")", Cells.unsignedPercent(c.boundaryMedianAbs())));
        }
        caseLists(out, "", s);
        out.append(LEGEND);
        out.append(String.format(Locale.ROOT, "scored %d of %d published cases; median |error| %s, p90 %s "
                + "(--score-py prints validation/score.py's lines)%n", s.scored(), s.truthCases(),
                Cells.unsignedPercent(s.overall().medianAbs()), Cells.unsignedPercent(s.overall().p90Abs())));
        return out.toString();
    }

    /** The cases scored at a lower level than their truth names, and those not scored, one line each when any. */
    private static void caseLists(StringBuilder out, String indent, ValidationScore s) {
        if (!s.fallbacks().isEmpty()) {
            out.append(indent).append("fallbacks (field missing, lower level used): ")
                    .append(String.join(", ", s.fallbacks())).append('\n');
        }
        if (!s.notScored().isEmpty()) {
            out.append(indent).append("not scored (").append(s.notScored().size()).append("): ")
                    .append(String.join(", ", s.notScored())).append('\n');
        }
    }

    private static void row(TextTable t, String name, ErrorStats s) {
        if (s.n() == 0) {
            return;
        }
        String worst = s.worst().stream().limit(WORST_SHOWN)
                .map(w -> w.id() + " " + Cells.percent(w.relativeError()))
                .collect(Collectors.joining(", "));
        t.add(name, Integer.toString(s.n()), Cells.unsignedPercent(s.medianAbs()), Cells.unsignedPercent(s.p90Abs()),
                Cells.share(s.shareUnder()), worst.isEmpty() ? "-" : worst);
    }

    /** @return validation/score.py's report lines (fractions), for a diff against it */
    public static String renderScorePyLines(ValidationScore s) {
        StringBuilder out = new StringBuilder();
        line(out, "overall", s.overall());
        s.byMetric().forEach((m, st) -> line(out, m, st));
        s.byTrust().forEach((m, st) -> line(out, m, st));
        if (s.capacity() != null) {
            ValidationScore.Capacity c = s.capacity();
            out.append(String.format(Locale.ROOT, "  capacity   n=%d correct=%d wrong=%s boundary_median_abs_rel_err=%s%n",
                    c.n(), c.correct(), c.wrong().isEmpty() ? "-" : String.join(",", c.wrong()),
                    fmt(c.boundaryMedianAbs(), 3)));
        }
        caseLists(out, "  ", s);
        out.append(String.format(Locale.ROOT, "median_abs_rel_err=%s p90=%s scored=%d/%d%n",
                fmt(s.overall().medianAbs(), 3), fmt(s.overall().p90Abs(), 3), s.scored(), s.truthCases()));
        return out.toString();
    }

    private static void line(StringBuilder out, String name, ErrorStats s) {
        if (s.n() == 0) {
            return;
        }
        String worst = s.worst().stream()
                .map(w -> String.format(Locale.ROOT, "%s %+.2f", w.id(), w.relativeError()))
                .collect(Collectors.joining(", "));
        out.append(String.format(Locale.ROOT, "  %-10s n=%-3d median=%s p90=%s under=%s worst=%s%n", name, s.n(),
                fmt(s.medianAbs(), 3), fmt(s.p90Abs(), 3), fmt(s.shareUnder(), 2), worst));
    }

    private static String fmt(Double x, int decimals) {
        return x == null ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", x);
    }
}
