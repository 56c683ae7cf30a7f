package dev.gpumem.report;

import dev.gpumem.compare.ErrorStats;
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

    /** @return profile, phase, level, estimate MiB, measured MiB, error MiB, error %, basis */
    static String[] row(String label, LevelError e) {
        return new String[] {label, e.where(), e.level().wire(), mib(e.estimated()),
            e.measured().present() ? mib(e.measured().bytes()) : ABSENT,
            e.errorBytes() == null ? "-" : signedMib(e.errorBytes()), percent(e.relativeError()),
            e.measured().basis()};
    }

    static final String[] ROW_HEADER = {"profile", "phase", "level", "estimate MiB", "measured MiB", "error MiB",
        "error %", "measured as"};

    /** @return name, n, median |err|, p90 |err|, share under, worst */
    static String[] stats(String name, ErrorStats s) {
        String worst = s.worst().isEmpty() ? "-" : s.worst().get(0).id() + " " + percent(s.worst().get(0).relativeError());
        return new String[] {name, Integer.toString(s.n()), unsignedPercent(s.medianAbs()),
            unsignedPercent(s.p90Abs()), share(s.shareUnder()), worst};
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
