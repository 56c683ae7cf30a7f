package dev.gpumem.report;

import dev.gpumem.compare.ErrorStats;
import dev.gpumem.compare.ValidationScore;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * `gpumem validate`'s text: the same lines as validation/score.py's {@code report}, so the two can be diffed.
 * Errors are fractions (0.123 = 12.3 %).
 */
public final class ValidationScoreTextWriter {
    private ValidationScoreTextWriter() {
    }

    public static String render(ValidationScore s) {
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
        if (!s.fallbacks().isEmpty()) {
            out.append("  fallbacks (field missing, lower level used): ").append(String.join(", ", s.fallbacks()))
                    .append('\n');
        }
        if (!s.notScored().isEmpty()) {
            out.append("  not scored (").append(s.notScored().size()).append("): ")
                    .append(String.join(", ", s.notScored())).append('\n');
        }
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
