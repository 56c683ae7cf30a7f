package dev.gpumem.report;

import dev.gpumem.compare.Verdict;
import dev.gpumem.compare.VerdictCase;
import dev.gpumem.units.ByteFormat;

/**
 * The CI verdict as JUnit XML (the format CI systems read test results from): one {@code testsuite} per profile,
 * one {@code testcase} per rank × phase × level, a {@code failure} per breached limit, the measured and estimated
 * bytes in {@code system-out}.
 */
public final class JunitXmlWriter {
    private JunitXmlWriter() {
    }

    public static String render(Verdict verdict) {
        java.util.Map<String, java.util.List<VerdictCase>> byProfile = new java.util.LinkedHashMap<>();
        for (VerdictCase c : verdict.cases()) {
            byProfile.computeIfAbsent(c.profile(), k -> new java.util.ArrayList<>()).add(c);
        }
        long failures = verdict.cases().stream().filter(VerdictCase::failed).count();
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<testsuites name=\"gpumem\" tests=\"").append(verdict.cases().size()).append("\" failures=\"")
                .append(failures).append("\">\n");
        for (var e : byProfile.entrySet()) {
            long f = e.getValue().stream().filter(VerdictCase::failed).count();
            x.append("  <testsuite name=\"").append(esc(e.getKey())).append("\" tests=\"").append(e.getValue().size())
                    .append("\" failures=\"").append(f).append("\">\n");
            for (VerdictCase c : e.getValue()) {
                x.append("    <testcase classname=\"gpumem.").append(esc(e.getKey())).append("\" name=\"")
                        .append(esc(c.name())).append('"');
                x.append(">\n");
                for (String why : c.failures()) {
                    x.append("      <failure message=\"").append(esc(why)).append("\" type=\"gpumem.limit\"/>\n");
                }
                x.append("      <system-out>").append(esc("measured "
                        + (c.measured() == null ? "absent" : ByteFormat.mib(c.measured()))
                        + (c.estimated() == null ? "" : ", estimated " + ByteFormat.mib(c.estimated()))
                        + ", " + c.checks() + " limit checks")).append("</system-out>\n");
                x.append("    </testcase>\n");
            }
            x.append("  </testsuite>\n");
        }
        return x.append("</testsuites>\n").toString();
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    if (ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') {
                        b.append(' ');
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.toString();
    }
}
