package dev.gpumem.report;

import dev.gpumem.compare.ComparisonSummary;
import dev.gpumem.compare.ErrorStats;
import dev.gpumem.compare.Evidence;
import dev.gpumem.estimate.Level;
import dev.gpumem.compare.LevelError;
import dev.gpumem.units.ByteFormat;
import java.util.Locale;

/** Cell texts shared by the text, Markdown and HTML tables, so they show the same numbers. */
final class Cells {
    static final String ABSENT = "absent";

    private Cells() {
    }

    /** @return bytes in MiB with two decimals and no unit (the column header names it) */
    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / (double) ByteFormat.MIB);
    }

    static String signedMib(long bytes) {
        return String.format(Locale.ROOT, "%+.2f", bytes / (double) ByteFormat.MIB);
    }

    static String percent(Double fraction) {
        return fraction == null ? "-" : String.format(Locale.ROOT, "%+.2f%%", 100 * fraction);
    }

    static String unsignedPercent(Double fraction) {
        return fraction == null ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * fraction);
    }

    static String share(Double fraction) {
        return fraction == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
    }

    /** @return profile, phase, level, estimate MiB, measured MiB, error MiB, error %, measured as, check */
    static String[] row(String label, LevelError e) {
        String measured = e.state() == LevelError.State.NOT_RUN ? NOT_RUN
                : e.measured().present() ? mib(e.measured().bytes()) : ABSENT;
        String errorMib = e.state() == LevelError.State.OUT_OF_MEMORY ? OOM
                : e.errorBytes() == null ? "-" : signedMib(e.errorBytes());
        String errorPercent = e.state() == LevelError.State.OUT_OF_MEMORY ? OOM : percent(e.relativeError());
        String basis = e.state() == LevelError.State.OUT_OF_MEMORY
                ? "at the failure, not the phase's peak: " + e.measured().basis() : e.measured().basis();
        return new String[] {label, e.where(), e.level().wire(), mib(e.estimated()), measured, errorMib,
            errorPercent, basis, check(e.evidence())};
    }

    static final String[] ROW_HEADER = {"profile", "phase", "level", "estimate MiB", "measured MiB", "error MiB",
        "error %", "measured as", "check"};

    static final String OOM = "OOM";
    static final String NOT_RUN = "not run";

    /** @return the short name of what a row checks, for the last column */
    static String check(Evidence evidence) {
        return switch (evidence) {
            case ESTIMATE_ERROR -> "estimate";
            case PLAN_CHECK -> "plan check";
            case DEVICE_OVERHEAD_CHECK -> "plan check: device overhead";
        };
    }

    /** The line under a table that explains its last column, when a replay's rows are in it. */
    static final String PLAN_CHECK_LEGEND = "check: 'plan check' rows replay the estimator's own allocation plan"
            + " (replay, replay-cca): they check the probe and the plan, not the estimate, and are kept out of the"
            + " error statistics; 'plan check: device overhead' is a replay's device level on a GPU, a real reading"
            + " of the CUDA context + cudaMalloc granularity over the plan, summarised in its own statistics row.";

    /** @return the statistics rows: the estimate errors, all and per level, then each plan check that has rows */
    static java.util.List<String[]> statsRows(ComparisonSummary summary) {
        java.util.List<String[]> rows = new java.util.ArrayList<>();
        rows.add(stats("estimate errors, all levels", summary.overall()));
        for (Level l : Level.values()) {
            rows.add(stats(l.wire(), summary.byLevel().get(l)));
        }
        for (Evidence k : Evidence.values()) {
            ErrorStats s = summary.planChecks().get(k);
            if (s != null && s.n() > 0) {
                rows.add(stats(check(k) + " (not an estimate error)", s));
            }
        }
        return rows;
    }

    /** @return true when any row of the comparisons is a replay's plan check */
    static boolean anyPlanCheck(java.util.List<dev.gpumem.compare.Comparison> comparisons) {
        return comparisons.stream().anyMatch(c -> c.errors().stream().anyMatch(e -> !e.evidence().checksTheEstimate()));
    }

    /** @return name, n, median |err|, p90 |err|, share under, worst */
    static String[] stats(String name, ErrorStats s) {
        String worst = s.worst().isEmpty() ? "-" : s.worst().get(0).id() + " " + percent(s.worst().get(0).relativeError());
        return new String[] {name, Integer.toString(s.n()), unsignedPercent(s.medianAbs()),
            unsignedPercent(s.p90Abs()), share(s.shareUnder()), worst};
    }

    static final String NON_TORCH_TITLE = "Non-torch memory per rank at each phase's end (process used on its GPU − "
            + "torch reserved at the mark: CUDA context, NCCL, cuBLAS, other libraries) against the estimate's "
            + "device − reserved:";

    static final String[] NON_TORCH_HEADER = {"profile", "rank/phase", "estimate MiB", "measured MiB", "error MiB"};

    static String[] nonTorchRow(String label, dev.gpumem.compare.NonTorchRow r) {
        return new String[] {label, "rank " + r.rank() + "/" + r.phase(), mib(r.estimated()), mib(r.measured()),
            mib(r.errorBytes())};
    }

    static final String[] STATS_HEADER = {"errors", "n", "median |error|", "p90 |error|", "under-estimates",
        "worst"};

    /** @return "2 ranks; worst: rank 1/load/allocated -33.33%; run-wide peak spread (max − min): allocated 34.27 MiB (rank 1 highest, rank 0 lowest)" */
    static String rankSpread(dev.gpumem.compare.RankSpread r) {
        StringBuilder sb = new StringBuilder().append(r.ranks()).append(" ranks; worst: ");
        sb.append(r.worst() == null ? "-" : r.worst().where() + "/" + r.worst().level().wire() + " "
                + percent(r.worst().relativeError()));
        sb.append("; run-wide peak spread (max − min, MiB)");
        if (r.spreads().isEmpty()) {
            sb.append(": -");
        }
        for (dev.gpumem.estimate.Level l : dev.gpumem.estimate.Level.values()) {
            var s = r.spreads().get(l);
            if (s != null) {
                sb.append(": ").append(l.wire()).append(' ').append(mib(s.bytes())).append(" (rank ")
                        .append(s.maxRank()).append(" highest, rank ").append(s.minRank()).append(" lowest)");
            }
        }
        return sb.toString();
    }
}
