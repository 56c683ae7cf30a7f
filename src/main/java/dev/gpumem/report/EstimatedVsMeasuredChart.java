package dev.gpumem.report;

import dev.gpumem.compare.Comparison;
import dev.gpumem.compare.LevelError;
import dev.gpumem.estimate.Level;
import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYLineAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Estimated vs measured for every scored (profile, phase, level), one series per level, with the y = x line. */
final class EstimatedVsMeasuredChart {
    private EstimatedVsMeasuredChart() {
    }

    static JFreeChart create(List<Comparison> comparisons) {
        long max = 1;
        for (Comparison c : comparisons) {
            for (LevelError e : c.errors()) {
                if (e.measured().present()) {
                    max = Math.max(max, Math.max(e.estimated(), e.measured().bytes()));
                }
            }
        }
        DisplayUnit unit = DisplayUnit.forMax(max);
        XYSeriesCollection data = new XYSeriesCollection();
        for (Level level : Level.values()) {
            XYSeries s = new XYSeries(level.wire(), false, true);
            for (Comparison c : comparisons) {
                for (LevelError e : c.errors()) {
                    if (e.level() == level && e.measured().present()) {
                        s.add(unit.of(e.measured().bytes()), unit.of(e.estimated()));
                    }
                }
            }
            data.addSeries(s);
        }
        NumberAxis x = new NumberAxis("measured (" + unit.label + ")");
        NumberAxis y = new NumberAxis("estimated (" + unit.label + ")");
        double top = unit.of(max) * 1.05;
        x.setRange(0, top);
        y.setRange(0, top);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        Color[] colors = {ChartStyle.ALLOCATED, ChartStyle.RESERVED, ChartStyle.DEVICE};
        for (int i = 0; i < colors.length; i++) {
            r.setSeriesPaint(i, colors[i]);
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setDomainGridlinePaint(ChartStyle.GRID);
        plot.setRangeGridlinePaint(ChartStyle.GRID);
        plot.addAnnotation(new XYLineAnnotation(0, 0, top, top, new BasicStroke(1f), Color.GRAY));
        return ChartStyle.apply(new JFreeChart("Estimated vs measured (y = x: exact)", JFreeChart.DEFAULT_TITLE_FONT,
                plot, true));
    }
}
