package dev.gpumem.report;

import dev.gpumem.compare.Comparison;
import dev.gpumem.compare.ComparisonSummary;
import dev.gpumem.compare.LevelError;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.measure.Provenance;
import java.util.List;

/**
 * The static page of `gpumem report`: one self-contained HTML file (inline CSS, no script, no external URL) with
 * the images referenced by relative file name.
 */
final class HtmlReportWriter {
    private HtmlReportWriter() {
    }

    /** A profile's section: its comparison and the file names of its two images. */
    record Section(Comparison comparison, String timelinePng, String componentsPng) {
    }

    static String render(List<Section> sections, ComparisonSummary summary, String scatterPng, String generator) {
        StringBuilder h = new StringBuilder(8192);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>gpumem report</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n")
                .append("<h1>gpumem: estimate vs measured</h1>\n<p class=\"meta\">").append(esc(generator))
                .append(". Signed error = estimate − measured, in MiB (2<sup>20</sup> bytes) and % of measured; ")
                .append("absent measurements are shown as absent and not counted (")
                .append(summary.absent()).append(").</p>\n");
        h.append("<h2>Summary</h2>\n");
        table(h, Cells.STATS_HEADER, Cells.statsRows(summary));
        for (String line : summary.outOfMemory()) {
            h.append("<p class=\"oom\">Out of memory: ").append(esc(line)).append("</p>\n");
        }
        if (Cells.anyPlanCheck(sections.stream().map(Section::comparison).toList())) {
            h.append("<p class=\"meta\">").append(esc(Cells.PLAN_CHECK_LEGEND)).append("</p>\n");
        }
        h.append("<figure><img src=\"").append(esc(scatterPng))
                .append("\" alt=\"estimated vs measured, all profiles\" width=\"720\"></figure>\n");
        h.append("<nav><h2>Profiles</h2><ol>\n");
        for (int i = 0; i < sections.size(); i++) {
            h.append("<li><a href=\"#p").append(i).append("\">").append(esc(sections.get(i).comparison().label()))
                    .append("</a></li>\n");
        }
        h.append("</ol></nav>\n");
        for (int i = 0; i < sections.size(); i++) {
            section(h, i, sections.get(i));
        }
        return h.append("</body>\n</html>\n").toString();
    }

    private static void section(StringBuilder h, int i, Section s) {
        Comparison c = s.comparison();
        Provenance pv = c.profile().provenance();
        h.append("<section id=\"p").append(i).append("\">\n<h2>").append(esc(c.label())).append("</h2>\n");
        h.append("<p class=\"meta\">").append(esc(pv.device().kind().name())).append(" · ")
                .append(esc(pv.device().name())).append(" · runner ").append(esc(pv.runner()))
                .append(" · gpumem ").append(esc(pv.toolVersion())).append(" (")
                .append(esc(String.valueOf(pv.gitCommit()))).append(")");
        if (pv.startedAt() != null) {
            h.append(" · ").append(esc(pv.startedAt()));
        }
        h.append("</p>\n");
        c.outOfMemory().ifPresent(e -> h.append("<p class=\"oom\">Out of memory: ").append(esc(e.message()))
                .append("</p>\n"));
        RunConfig r = c.estimate().config();
        h.append("<p class=\"req\">").append(esc(r.model())).append(" · ").append(r.task().wire()).append(" · ")
                .append(r.precision().wire()).append(" · optimizer ").append(r.optimizer().wire())
                .append(" · batch ").append(r.batch()).append(" · seq ").append(r.seq()).append(" · attention ")
                .append(r.attention().wire()).append(" · checkpointing ").append(r.checkpointing().wire())
                .append(" · finetune ").append(r.finetune().method().wire()).append("</p>\n");
        h.append("<div class=\"figs\"><figure><img src=\"").append(esc(s.timelinePng()))
                .append("\" alt=\"memory over time with phases and estimates\"></figure>")
                .append("<figure><img src=\"").append(esc(s.componentsPng()))
                .append("\" alt=\"estimated components per phase\"></figure></div>\n");
        List<String[]> rows = new java.util.ArrayList<>();
        for (LevelError e : c.errors()) {
            String[] row = Cells.row(c.label(), e);
            rows.add(java.util.Arrays.copyOfRange(row, 1, row.length));
        }
        table(h, java.util.Arrays.copyOfRange(Cells.ROW_HEADER, 1, Cells.ROW_HEADER.length), rows);
        if (!c.notes().isEmpty()) {
            h.append("<ul class=\"notes\">");
            for (String n : c.notes()) {
                h.append("<li>").append(esc(n)).append("</li>");
            }
            h.append("</ul>\n");
        }
        h.append("</section>\n");
    }

    private static void table(StringBuilder h, String[] header, List<String[]> rows) {
        h.append("<table>\n<thead><tr>");
        for (String c : header) {
            h.append("<th>").append(esc(c)).append("</th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        for (String[] row : rows) {
            h.append("<tr>");
            for (String c : row) {
                String cls = c.equals(Cells.ABSENT) || c.equals(Cells.NOT_RUN) ? "absent"
                        : c.equals(Cells.OOM) ? "oom" : c.matches("[+-]0\\.00%?") ? "num"
                        : c.startsWith("+") ? "num over"
                        : c.startsWith("-") && c.length() > 1 ? "num under" : c.matches("[0-9.]+%?") ? "num" : "";
                h.append(cls.isEmpty() ? "<td>" : "<td class=\"" + cls + "\">").append(esc(c)).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table>\n");
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }

    private static final String CSS = """
            body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
                   color: #222; max-width: 1180px; margin: 24px auto; padding: 0 16px; }
            h1 { font-size: 24px; margin-bottom: 4px; }
            h2 { font-size: 19px; margin-top: 32px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
            .meta, .req { color: #555; margin: 4px 0; }
            .req { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 13px; }
            table { border-collapse: collapse; margin: 12px 0; font-size: 13px; }
            th, td { border: 1px solid #ddd; padding: 4px 8px; text-align: left; vertical-align: top; }
            th { background: #f4f6f8; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            td.over { color: #a04000; }
            td.under { color: #0050a0; }
            td.absent { color: #999; font-style: italic; }
            tbody tr:nth-child(even) { background: #fafafa; }
            figure { margin: 12px 0; }
            img { max-width: 100%; height: auto; border: 1px solid #eee; }
            .figs { display: grid; grid-template-columns: 1fr; gap: 8px; }
            nav ol { columns: 2; }
            ul.notes { color: #555; }
            .oom, td.oom { color: #b00020; font-weight: bold; }
            """;
}
