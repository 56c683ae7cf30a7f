package dev.gpumem.report;

import dev.gpumem.compare.Comparison;
import dev.gpumem.compare.ComparisonSummary;
import dev.gpumem.compare.JobComparison;
import dev.gpumem.compare.LevelError;
import java.util.List;

/** The terminal table of `gpumem compare`: one row per profile, phase and level, then the summary. */
public final class ComparisonTextWriter {
    private ComparisonTextWriter() {
    }

    public static String render(List<Comparison> comparisons, ComparisonSummary summary) {
        return render(comparisons, List.of(), summary);
    }

    /** @param jobs the job profiles among the comparisons (their nodes are in {@code comparisons} too) */
    public static String render(List<Comparison> comparisons, List<JobComparison> jobs, ComparisonSummary summary) {
        TextTable rows = new TextTable(Cells.ROW_HEADER);
        StringBuilder notes = new StringBuilder();
        for (Comparison c : comparisons) {
            AbsentLevels absent = AbsentLevels.of(c);
            for (LevelError e : c.errors()) {
                if (!absent.hides(e)) {
                    rows.add(Cells.row(c.label(), e));
                }
            }
            dev.gpumem.compare.RankSpread.of(c).ifPresent(r -> notes.append("ranks: ").append(c.label()).append(": ")
                    .append(Cells.rankSpread(r)).append('\n'));
            for (String n : c.notes()) {
                notes.append("note: ").append(c.label()).append(": ").append(n).append('\n');
            }
            for (String n : absent.notes()) {
                notes.append("note: ").append(c.label()).append(": ").append(n).append('\n');
            }
        }
        TextTable peaks = new TextTable(Cells.ROW_HEADER);
        for (Comparison c : comparisons) {
            AbsentLevels absent = AbsentLevels.of(c);
            for (LevelError e : c.runPeakErrors()) {
                if (!absent.hides(e)) {
                    peaks.add(Cells.row(c.label(), e));
                }
            }
        }
        for (JobComparison j : jobs) {
            j.spread().ifPresent(r -> notes.append("job: ").append(j.label()).append(" (").append(j.nodes().size())
                    .append(" node(s)): ").append(Cells.rankSpread(r)).append('\n'));
        }
        TextTable nonTorch = new TextTable(Cells.NON_TORCH_HEADER);
        for (Comparison c : comparisons) {
            c.nonTorchRows().forEach(r -> nonTorch.add(Cells.nonTorchRow(c.label(), r)));
        }
        String nonTorchPart = nonTorch.isEmpty() ? "" : "\n" + Cells.NON_TORCH_TITLE + "\n" + nonTorch.render();
        TextTable stats = new TextTable(Cells.STATS_HEADER);
        Cells.statsRows(summary).forEach(stats::add);
        StringBuilder oom = new StringBuilder();
        for (String line : summary.outOfMemory()) {
            oom.append("OUT OF MEMORY: ").append(line).append('\n');
        }
        String legend = Cells.anyPlanCheck(comparisons) ? Cells.PLAN_CHECK_LEGEND + "\n" : "";
        return "Signed error = estimate − measured (MiB = 2^20 bytes); % of measured.\n" + rows.render() + legend
                + notes
                + "\nRun-wide peak (inside a phase or not) against the estimate's peak:\n" + peaks.render()
                + nonTorchPart + "\n" + stats.render() + "absent measurements (not counted): " + summary.absent() + "\n" + oom;
    }
}
