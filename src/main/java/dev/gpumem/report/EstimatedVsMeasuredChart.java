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
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Estimated vs measured for every (profile, phase, level) whose phase ran to its end, one series per level for the
 * estimate errors and one for a replay's plan checks (not estimate errors), with the y = x line. Phases that ran
 * out of memory or never ran are not points: a subtitle names them.
 */
final class EstimatedVsMeasuredChart {
    private EstimatedVsMeasuredChart() {
    }

    static JFreeChart create(List<Comparison> comparisons) {
        long max = 1;
        for (Comparison c : comparisons) {
            for (LevelError e : c.errors()) {
                if (plotted(e)) {
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
                    if (e.level() == level && plotted(e) && e.evidence().checksTheEstimate()) {
                        s.add(unit.of(e.measured().bytes()), unit.of(e.estimated()));
                    }
                }
            }
            data.addSeries(s);
        }
        XYSeries plan = new XYSeries("plan check (replay of the estimator's own plan)", false, true);
        for (Comparison c : comparisons) {
            for (LevelError e : c.errors()) {
                if (plotted(e) && !e.evidence().checksTheEstimate()) {
                    plan.add(unit.of(e.measured().bytes()), unit.of(e.estimated()));
                }
            }
        }
        if (plan.getItemCount() > 0) {
            data.addSeries(plan);
        }
        NumberAxis x = new NumberAxis("measured (" + unit.label + ")");
        NumberAxis y = new NumberAxis("estimated (" + unit.label + ")");
        double top = unit.of(max) * 1.05;
        x.setRange(0, top);
        y.setRange(0, top);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
        Color[] colors = {ChartStyle.ALLOCATED, ChartStyle.RESERVED, ChartStyle.DEVICE, ChartStyle.PLAN_CHECK};
        for (int i = 0; i < colors.length; i++) {
            r.setSeriesPaint(i, colors[i]);
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setDomainGridlinePaint(ChartStyle.GRID);
        plot.setRangeGridlinePaint(ChartStyle.GRID);
        plot.addAnnotation(new XYLineAnnotation(0, 0, top, top, new BasicStroke(1f), Color.GRAY));
        JFreeChart chart = new JFreeChart("Estimated vs measured (y = x: exact)", JFreeChart.DEFAULT_TITLE_FONT,
                plot, true);
        for (Comparison c : comparisons) {
            c.outOfMemory().ifPresent(oom -> {
                TextTitle t = new TextTitle(c.label() + ": " + oom.message() + " (not plotted)");
                t.setPaint(ChartStyle.OOM);
                chart.addSubtitle(t);
            });
        }
        return ChartStyle.apply(chart);
    }

    /** @return true for a row with a point: its phase ran to its end and it has a measurement */
    static boolean plotted(LevelError e) {
        return e.state() == LevelError.State.MEASURED && e.measured().present();
    }
}
