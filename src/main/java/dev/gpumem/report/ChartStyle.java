package dev.gpumem.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.Plot;

/** One look for every chart: white background, light grid, readable fonts, a fixed level palette. */
final class ChartStyle {
    static final Color ALLOCATED = new Color(0x1f77b4);
    static final Color RESERVED = new Color(0xff7f0e);
    static final Color DEVICE = new Color(0x2ca02c);
    static final Color MEASURED = new Color(0x222222);
    static final Color GRID = new Color(0xdddddd);
    /** out of memory, and a replay's plan-check points */
    static final Color OOM = new Color(0xb00020);
    static final Color PLAN_CHECK = new Color(0x888888);
    static final BasicStroke DASHED = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {6f, 4f}, 0f);
    static final Color[] BANDS = {new Color(0xeef3fb), new Color(0xfbf3e6)};
    /** Components in stacking order, colour-blind-friendly palette (Okabe–Ito, extended). */
    static final Color[] COMPONENTS = {new Color(0x0072B2), new Color(0xE69F00), new Color(0x009E73),
        new Color(0xCC79A7), new Color(0x56B4E9), new Color(0xD55E00), new Color(0xF0E442), new Color(0x999999),
        new Color(0x882255), new Color(0x44AA99), new Color(0x332288)};

    private ChartStyle() {
    }

    static JFreeChart apply(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        if (chart.getTitle() != null) {
            chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        }
        Plot plot = chart.getPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(GRID);
        return chart;
    }
}
