package dev.gpumem.report;

import dev.gpumem.compare.Comparison;
import dev.gpumem.compare.MeasuredLevels;
import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RunEvent;
import dev.gpumem.measure.Sample;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import java.util.Optional;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Memory over time for one profile: the measured series, the phases as shaded bands, and the estimate of each phase
 * drawn as a horizontal line across its band. On a GPU the measured series is the process's NVML use (or the device
 * use, said in the legend) and the lines are the device, reserved and allocated estimates; on the CPU twin it is the
 * resident set over the baseline and the line is the estimate of the level it is compared with (allocated; reserved
 * for replay-cca), as {@code MeasuredLevels} compares them. A run that ran out of memory has a red line where it
 * failed, and says so in the title.
 */
final class MemoryTimelineChart {
    private MemoryTimelineChart() {
    }

    static JFreeChart create(Comparison c) {
        Profile p = c.profile();
        boolean cpu = p.provenance().device().kind() == DeviceInfo.Kind.CPU;
        long base = cpu ? (p.baseline().processUsed() != null ? p.baseline().processUsed() : p.baseline().deviceUsed())
                : 0;
        boolean perProcess = !p.samples().isEmpty() && p.samples().stream().allMatch(s -> s.processUsed() >= 0);
        String measuredName = cpu ? "measured: RSS − baseline" : perProcess ? "measured: NVML process used"
                : "measured: NVML device used";
        long max = 1;
        for (Sample s : p.samples()) {
            max = Math.max(max, value(s, perProcess) - base);
        }
        Level hostLevel = MeasuredLevels.hostLevel(p);
        for (PhaseEstimate e : c.estimate().phases()) {
            max = Math.max(max, cpu ? e.level(hostLevel) : e.device());
        }
        DisplayUnit unit = DisplayUnit.forMax(max);

        XYSeriesCollection data = new XYSeriesCollection();
        XYSeries measured = new XYSeries(measuredName, false, true);
        for (Sample s : p.samples()) {
            measured.add(s.tNanos() / 1e9, unit.of(value(s, perProcess) - base));
        }
        if (p.samples().isEmpty()) {
            for (PhaseReading r : p.phases()) {
                measured.add(r.start().tNanos() / 1e9, unit.of(r.start().deviceUsed() - base));
                measured.add(r.end().tNanos() / 1e9, unit.of(r.end().deviceUsed() - base));
            }
        }
        data.addSeries(measured);
        List<Level> levels = cpu ? List.of(hostLevel) : List.of(Level.DEVICE, Level.RESERVED, Level.ALLOCATED);
        for (Level level : levels) {
            XYSeries line = new XYSeries("estimate: " + level.wire(), false, true);
            for (PhaseReading r : p.phases()) {
                Optional<PhaseEstimate> e = c.estimateOf(r.phase());
                if (e.isEmpty()) {
                    continue;
                }
                double y = unit.of(e.get().level(level));
                line.add(r.start().tNanos() / 1e9, y);
                line.add(r.end().tNanos() / 1e9, y);
                line.add(Math.nextUp(r.end().tNanos() / 1e9), null);
            }
            data.addSeries(line);
        }
        NumberAxis x = new NumberAxis("time (s)");
        NumberAxis y = new NumberAxis(unit.label);
        y.setAutoRangeIncludesZero(true);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        renderer.setSeriesPaint(0, ChartStyle.MEASURED);
        renderer.setSeriesStroke(0, new java.awt.BasicStroke(1.5f));
        Color[] colors = cpu ? new Color[] {hostLevel == Level.RESERVED ? ChartStyle.RESERVED : ChartStyle.ALLOCATED}
                : new Color[] {ChartStyle.DEVICE, ChartStyle.RESERVED, ChartStyle.ALLOCATED};
        for (int i = 0; i < colors.length; i++) {
            renderer.setSeriesPaint(i + 1, colors[i]);
            renderer.setSeriesStroke(i + 1, ChartStyle.DASHED);
        }
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setDomainGridlinePaint(ChartStyle.GRID);
        plot.setRangeGridlinePaint(ChartStyle.GRID);
        int i = 0;
        for (PhaseReading r : p.phases()) {
            IntervalMarker band = new IntervalMarker(r.start().tNanos() / 1e9, r.end().tNanos() / 1e9);
            band.setPaint(ChartStyle.BANDS[i++ % 2]);
            band.setLabel(r.phase());
            band.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            band.setLabelAnchor(RectangleAnchor.TOP);
            band.setLabelTextAnchor(TextAnchor.TOP_CENTER);
            plot.addDomainMarker(band, Layer.BACKGROUND);
        }
        c.outOfMemory().ifPresent(oom -> plot.addDomainMarker(oomMarker(p, oom), Layer.FOREGROUND));
        String title = c.label() + " — " + p.provenance().device().name() + " (" + p.provenance().runner() + ")"
                + (c.outOfMemory().isPresent() ? " — OUT OF MEMORY" : "");
        return ChartStyle.apply(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true));
    }

    /** A red line where the run ran out of memory: the end of the phase it failed in (else the last sample). */
    private static ValueMarker oomMarker(Profile p, RunEvent oom) {
        long t = p.phases().stream().filter(r -> r.phase().equals(oom.phase())).reduce((a, b) -> b)
                .map(r -> r.end().tNanos())
                .orElse(p.samples().isEmpty() ? 0 : p.samples().get(p.samples().size() - 1).tNanos());
        ValueMarker m = new ValueMarker(t / 1e9, ChartStyle.OOM, new java.awt.BasicStroke(2f));
        m.setLabel("out of memory" + (oom.phase() == null ? "" : " in " + oom.phase()));
        m.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 11));
        m.setLabelPaint(ChartStyle.OOM);
        m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        m.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
        return m;
    }

    private static long value(Sample s, boolean perProcess) {
        return perProcess ? s.processUsed() : s.deviceUsed();
    }
}
