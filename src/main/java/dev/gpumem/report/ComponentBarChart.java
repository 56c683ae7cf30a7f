package dev.gpumem.report;

import dev.gpumem.compare.Comparison;
import dev.gpumem.compare.MeasuredLevels;
import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.measure.DeviceInfo;
import java.util.Map;
import java.util.Set;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/** The estimate's components per phase as stacked bars (up to the device level: context and slack included). */
final class ComponentBarChart {
    private ComponentBarChart() {
    }

    /** Tensor components bottom-up in enum order, then allocator slack (reserved level), then context (device). */
    static int stackOrder(Component k) {
        return switch (k) {
            case ALLOCATOR_SLACK -> 100;
            case CONTEXT -> 101;
            default -> k.ordinal();
        };
    }

    static JFreeChart create(Comparison c) {
        // the CPU twin has no caching allocator and no CUDA context: only the allocated level's components apply
        boolean cpu = c.profile().provenance().device().kind() == DeviceInfo.Kind.CPU;
        // on the CPU twin replay-cca's resident memory is the allocator model's segments: the reserved level
        boolean hostReserved = cpu && MeasuredLevels.hostLevel(c.profile()) == Level.RESERVED;
        long max = 1;
        Set<Component> used = new java.util.TreeSet<>(java.util.Comparator.comparingInt(ComponentBarChart::stackOrder));
        for (PhaseEstimate e : c.estimate().phases()) {
            max = Math.max(max, cpu ? (hostReserved ? e.reserved() : e.allocated()) : e.device());
            e.components().forEach((k, v) -> {
                if (v > 0 && !(cpu && (k == Component.CONTEXT || (k == Component.ALLOCATOR_SLACK && !hostReserved)))) {
                    used.add(k);
                }
            });
        }
        DisplayUnit unit = DisplayUnit.forMax(max);
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (Component k : used) {
            for (PhaseEstimate e : c.estimate().phases()) {
                Map<Component, Long> m = e.components();
                data.addValue(unit.of(m.getOrDefault(k, 0L)), k.wire(), e.phase().wire());
            }
        }
        String level = !cpu ? "" : hostReserved ? " (reserved level: CPU profile, replay-cca)"
                : " (allocated level: CPU profile)";
        JFreeChart chart = ChartFactory.createStackedBarChart("Estimated components per phase — " + c.label() + level,
                "phase", unit.label, data, PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setRangeGridlinePaint(ChartStyle.GRID);
        plot.getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.STANDARD);
        BarRenderer r = (BarRenderer) plot.getRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        r.setMaximumBarWidth(0.12);
        int i = 0;
        for (Component k : used) {
            r.setSeriesPaint(i++, ChartStyle.COMPONENTS[k.ordinal() % ChartStyle.COMPONENTS.length]);
        }
        return ChartStyle.apply(chart);
    }
}
