package dev.gpumem.report;

import dev.gpumem.compare.Comparison;
import dev.gpumem.compare.ComparisonSummary;
import dev.gpumem.compare.JobComparison;
import dev.gpumem.compare.LevelError;
import dev.gpumem.compare.Verdict;
import dev.gpumem.compare.VerdictCase;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * GitHub-flavoured Markdown for a CI job summary ($GITHUB_STEP_SUMMARY): the verdict line first (when limits were
 * given), the summary, then the rows with failing ones marked; text columns left-aligned, numbers right-aligned.
 */
public final class ComparisonMarkdownWriter {
    static final String FAIL = "**FAIL**";
    static final String OK = "ok";

    private ComparisonMarkdownWriter() {
    }

    public static String render(List<Comparison> comparisons, ComparisonSummary summary) {
        return render(comparisons, summary, null);
    }

    /** @param verdict the CI verdict, or null when no limit was given */
    public static String render(List<Comparison> comparisons, ComparisonSummary summary, Verdict verdict) {
        return render(comparisons, List.of(), summary, verdict);
    }

    /**
     * @param jobs    the job profiles among the comparisons (their nodes are in {@code comparisons} too)
     * @param verdict the CI verdict, or null when no limit was given
     */
    public static String render(List<Comparison> comparisons, List<JobComparison> jobs, ComparisonSummary summary,
                                Verdict verdict) {
        StringBuilder sb = new StringBuilder();
        if (verdict != null) {
            sb.append(verdict.passed() ? "**PASS** " : "**FAIL** ").append(escape(verdict.line())).append("\n\n");
        }
        sb.append("## gpumem: estimate vs measured\n\n");
        sb.append("Signed error = estimate − measured, in MiB (2^20 bytes) and % of measured. ")
                .append("Absent measurements are not counted (").append(summary.absent()).append(").\n\n");
        table(sb, Cells.STATS_HEADER, new boolean[] {true, false, false, false, false, true});
        Cells.statsRows(summary).forEach(r -> row(sb, r));
        sb.append('\n');
        for (String line : summary.outOfMemory()) {
            sb.append("**OUT OF MEMORY**: ").append(escape(line)).append("\n\n");
        }
        if (Cells.anyPlanCheck(comparisons)) {
            sb.append(escape(Cells.PLAN_CHECK_LEGEND)).append("\n\n");
        }
        String[] header = withVerdict(Cells.ROW_HEADER, verdict);
        boolean[] text = textColumns(verdict);
        table(sb, header, text);
        for (Comparison c : comparisons) {
            rows(sb, c, c.errors(), verdict, AbsentLevels.of(c));
        }
        sb.append("\nRun-wide peak (inside a phase or not) against the estimate's peak:\n\n");
        table(sb, header, text);
        for (Comparison c : comparisons) {
            rows(sb, c, c.runPeakErrors(), verdict, AbsentLevels.of(c));
        }
        boolean anyNonTorch = comparisons.stream().anyMatch(c -> !c.nonTorchRows().isEmpty());
        if (anyNonTorch) {
            sb.append('\n').append(escape(Cells.NON_TORCH_TITLE)).append("\n\n");
            table(sb, Cells.NON_TORCH_HEADER, new boolean[] {true, true, false, false, false});
            for (Comparison c : comparisons) {
                c.nonTorchRows().forEach(r -> row(sb, Cells.nonTorchRow(c.label(), r)));
            }
        }
        for (JobComparison j : jobs) {
            j.spread().ifPresent(r -> sb.append("\n- job ").append(escape(j.label())).append(" (")
                    .append(j.nodes().size()).append(" node(s)): ").append(escape(Cells.rankSpread(r))));
        }
        for (Comparison c : comparisons) {
            dev.gpumem.compare.RankSpread.of(c).ifPresent(r -> sb.append("\n- ").append(escape(c.label()))
                    .append(": ").append(escape(Cells.rankSpread(r))));
            List<String> notes = new ArrayList<>(c.notes());
            notes.addAll(AbsentLevels.of(c).notes());
            for (String n : notes) {
                sb.append("\n- ").append(escape(c.label())).append(": ").append(escape(n));
            }
        }
        sb.append('\n');
        if (verdict != null) {
            failures(sb, verdict);
        }
        return sb.toString();
    }

    /** A verdict without comparisons (profiles without an estimate, checked against --max-peak or a budget). */
    public static String renderVerdict(Verdict verdict) {
        StringBuilder sb = new StringBuilder();
        sb.append(verdict.passed() ? "**PASS** " : "**FAIL** ").append(escape(verdict.line())).append("\n\n");
        sb.append("## gpumem: measured peaks (MiB = 2^20 bytes)\n\n");
        table(sb, new String[] {"profile", "where", "level", "measured MiB", "verdict"},
                new boolean[] {true, true, true, false, true});
        for (VerdictCase c : verdict.cases()) {
            row(sb, new String[] {c.profile(), (c.rank() == null ? "" : "rank " + c.rank() + "/") + c.phase(),
                c.level().wire(), c.measured() == null ? Cells.ABSENT : Cells.mib(c.measured()),
                c.checks() == 0 ? "-" : c.failed() ? FAIL : OK});
        }
        failures(sb, verdict);
        return sb.toString();
    }

    private static void failures(StringBuilder sb, Verdict verdict) {
        if (!verdict.passed()) {
            sb.append("\nFailed checks:\n");
            for (VerdictCase c : verdict.failures()) {
                for (String f : c.failures()) {
                    sb.append("\n- ").append(escape(c.profile() + " " + c.name() + ": " + f));
                }
            }
            sb.append('\n');
        }
        for (String n : verdict.notes()) {
            sb.append("\n- note: ").append(escape(n));
        }
        if (!verdict.notes().isEmpty()) {
            sb.append('\n');
        }
    }

    private static void rows(StringBuilder sb, Comparison c, List<LevelError> errors, Verdict verdict,
                             AbsentLevels absent) {
        List<String> names = Verdict.caseNames(errors);
        for (int i = 0; i < errors.size(); i++) {
            LevelError e = errors.get(i);
            if (absent.hides(e)) {
                continue;
            }
            String[] cells = Cells.row(c.label(), e);
            if (verdict != null) {
                Optional<VerdictCase> vc = verdict.caseOf(c.label(), e.rank(), names.get(i), e.level());
                String mark = vc.map(v -> v.checks() == 0 ? "-" : v.failed() ? FAIL : OK).orElse("-");
                cells = append(cells, mark);
            }
            row(sb, cells);
        }
    }

    private static String[] withVerdict(String[] header, Verdict verdict) {
        return verdict == null ? header : append(header, "verdict");
    }

    /** profile, phase, level, estimate, measured, error MiB, error %, measured as, check [, verdict] */
    private static boolean[] textColumns(Verdict verdict) {
        boolean[] t = {true, true, true, false, false, false, false, true, true};
        if (verdict == null) {
            return t;
        }
        boolean[] v = java.util.Arrays.copyOf(t, t.length + 1);
        v[t.length] = true;
        return v;
    }

    private static String[] append(String[] cells, String cell) {
        String[] out = java.util.Arrays.copyOf(cells, cells.length + 1);
        out[cells.length] = cell;
        return out;
    }

    private static void table(StringBuilder sb, String[] header, boolean[] text) {
        row(sb, header);
        sb.append('|');
        for (int i = 0; i < header.length; i++) {
            sb.append(text[i] ? " :--- |" : " ---: |");
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
