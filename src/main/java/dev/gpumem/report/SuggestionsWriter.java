package dev.gpumem.report;

import dev.gpumem.estimate.Suggestions;
import dev.gpumem.estimate.Suggestions.Tried;
import java.util.Locale;

/** The terminal text of {@code gpumem suggest}: the request's verdict, each single change, the combination. */
public final class SuggestionsWriter {
    private SuggestionsWriter() {
    }

    public static String render(Suggestions.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("units: GiB = 1024³ bytes; every row is a full estimate of the changed request\n");
        sb.append("request: ").append(EstimateTableWriter.fitLine(r.request().estimate().fit())).append("\n\n");
        long base = r.request().peakDevice();
        TextTable t = new TextTable("single change", "peak device", "vs request", "fits", "costs");
        for (Tried s : r.single()) {
            t.add(s.changes().get(0), gib(s.peakDevice()), signedGib(s.peakDevice() - base),
                    s.fits() ? "yes" : "no", s.costs().get(0));
        }
        sb.append(r.single().isEmpty() ? "no single change applies to this request\n" : t.render());
        sb.append('\n');
        if (r.request().fits()) {
            sb.append("the request fits as it is\n");
        } else if (r.combined() == null) {
            sb.append("no change lowers the peak\n");
        } else {
            Tried c = r.combined();
            sb.append(c.fits() ? "fits with: " : "closest found (" + c.changes().size() + " changes, still does not "
                    + "fit): ").append(String.join(" + ", c.changes())).append('\n');
            sb.append("  ").append(EstimateTableWriter.fitLine(c.estimate().fit())).append('\n');
        }
        return sb.toString();
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / (double) (1L << 30));
    }

    private static String signedGib(long bytes) {
        return String.format(Locale.ROOT, "%+.2f", bytes / (double) (1L << 30));
    }
}
