package dev.gpumem.report;

import dev.gpumem.compare.Comparison;
import dev.gpumem.compare.ComparisonSummary;
import dev.gpumem.io.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;

/**
 * Writes the charts of a set of comparisons and the page that shows them into one folder, each file atomically.
 * Needs {@code java.awt.headless=true} where there is no display (the CLI sets it).
 */
public final class ReportWriter {
    static final int WIDTH = 1100;
    static final int TIMELINE_HEIGHT = 480;
    static final int BAR_HEIGHT = 420;
    static final int SCATTER_SIZE = 640;
    public static final String INDEX = "index.html";
    public static final String SCATTER = "estimated-vs-measured.png";

    private final String generator;

    /** @param generator a line naming the tool and version, shown on the page */
    public ReportWriter(String generator) {
        this.generator = generator;
    }

    /** @return the files written, index.html last */
    public List<Path> write(List<Comparison> comparisons, Path dir) throws IOException {
        List<Path> written = new ArrayList<>();
        List<HtmlReportWriter.Section> sections = new ArrayList<>();
        Set<String> stems = new HashSet<>();
        for (Comparison c : comparisons) {
            String stem = uniqueStem(c.label(), stems);
            String timeline = stem + "-timeline.png";
            String components = stem + "-components.png";
            written.add(png(MemoryTimelineChart.create(c), WIDTH, TIMELINE_HEIGHT, dir.resolve(timeline)));
            written.add(png(ComponentBarChart.create(c), WIDTH, BAR_HEIGHT, dir.resolve(components)));
            sections.add(new HtmlReportWriter.Section(c, timeline, components));
        }
        written.add(png(EstimatedVsMeasuredChart.create(comparisons), SCATTER_SIZE + 80, SCATTER_SIZE,
                dir.resolve(SCATTER)));
        Path index = dir.resolve(INDEX);
        AtomicFiles.writeString(index,
                HtmlReportWriter.render(sections, ComparisonSummary.of(comparisons), SCATTER, generator));
        written.add(index);
        return written;
    }

    private static Path png(JFreeChart chart, int w, int h, Path target) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(bytes, chart, w, h);
        AtomicFiles.write(target, bytes.toByteArray());
        return target;
    }

    static String uniqueStem(String label, Set<String> taken) {
        String base = label.toLowerCase(Locale.ROOT).replaceAll("\\.json$", "").replaceAll("[^a-z0-9]+", "-")
                .replaceAll("(^-|-$)", "");
        if (base.isEmpty()) {
            base = "profile";
        }
        String stem = base;
        for (int i = 2; !taken.add(stem); i++) {
            stem = base + "-" + i;
        }
        return stem;
    }
}
