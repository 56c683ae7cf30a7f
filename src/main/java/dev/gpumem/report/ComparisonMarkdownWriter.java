package dev.gpumem.report;

import dev.gpumem.compare.Comparison;
import dev.gpumem.compare.ComparisonSummary;
import dev.gpumem.compare.LevelError;
import dev.gpumem.estimate.Level;
import java.util.List;

/** GitHub-flavoured Markdown for a CI job summary ($GITHUB_STEP_SUMMARY): summary first, then the rows. */
public final class ComparisonMarkdownWriter {
    private ComparisonMarkdownWriter() {
    }

    public static String render(List<Comparison> comparisons, ComparisonSummary summary) {
        StringBuilder sb = new StringBuilder("## gpumem: estimate vs measured\n\n");
        sb.append("Signed error = estimate − measured, in MiB (2^20 bytes) and % of measured. ")
                .append("Absent measurements are not counted (").append(summary.absent()).append(").\n\n");
        table(sb, Cells.STATS_HEADER);
        row(sb, Cells.stats("all levels", summary.overall()));
        for (Level l : Level.values()) {
            row(sb, Cells.stats(l.wire(), summary.byLevel().get(l)));
        }
        sb.append('\n');
        table(sb, Cells.ROW_HEADER);
        for (Comparison c : comparisons) {
            AbsentLevels absent = AbsentLevels.of(c);
            for (LevelError e : c.errors()) {
                if (!absent.hides(e)) {
                    row(sb, Cells.row(c.label(), e));
                }
            }
        }
        for (Comparison c : comparisons) {
            List<String> notes = new java.util.ArrayList<>(c.notes());
            notes.addAll(AbsentLevels.of(c).notes());
            for (String n : notes) {
                sb.append("\n- ").append(escape(c.label())).append(": ").append(escape(n));
            }
        }
        return sb.append('\n').toString();
    }

    private static void table(StringBuilder sb, String[] header) {
        row(sb, header);
        sb.append('|');
        for (int i = 0; i < header.length; i++) {
            sb.append(i == 0 ? " --- |" : " ---: |");
        }
        sb.append('\n');
    }

    private static void row(StringBuilder sb, String[] cells) {
        sb.append('|');
        for (String c : cells) {
            sb.append(' ').append(escape(c)).append(" |");
        }
        sb.append('\n');
    }

    static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
