package dev.gpumem.compare;

import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fits a {@link DeviceCalibration} (CUDA context, library workspaces, allocator slack) for one GPU model from
 * comparisons of its real profiles with their estimates.
 *
 * <p>Method: medians of residuals, not least squares. NVML peaks are polled lower bounds and one missed peak or
 * one foreign process would pull a least-squares constant by its whole size; a median ignores it. For every
 * measured phase, with D the measured device bytes ({@link MeasuredLevels}) and R the estimated reserved bytes:
 * <ol>
 *   <li>slack = median over phases with a measured reserved M of (M − R) / R; 0 when no profile measured
 *       reserved (replay without a framework);</li>
 *   <li>R' = M where measured, else R · (1 + slack); overhead o = D − R';</li>
 *   <li>context = median of o over the load phases (no kernel has run, so no library handle exists);</li>
 *   <li>workspace = max(0, median of o over the other phases − context).</li>
 * </ol>
 * With no load phase measured, context is the median of every o and workspace is 0, and a note says so.
 * The residuals (D − calibrated device) are reported so a reader can judge the fit.
 */
public final class Calibrator {
    /** Fit method as recorded in the calibration file. */
    public static final String METHOD = "median of residuals over measured phases (robust to polled-peak misses)";

    private final String toolVersion;
    private final String gitCommit;

    public Calibrator(String toolVersion, String gitCommit) {
        this.toolVersion = toolVersion;
        this.gitCommit = gitCommit;
    }

    /**
     * @throws IllegalArgumentException (one sentence) for no input, CPU or stub profiles, mixed GPU models, or no
     *                                  phase with a device-level measurement
     */
    public DeviceCalibration fit(List<Comparison> comparisons) {
        if (comparisons.isEmpty()) {
            throw new IllegalArgumentException("calibrate: no profiles given");
        }
        DeviceInfo device = checkOneGpuModel(comparisons);
        List<Point> points = points(comparisons);
        if (points.isEmpty()) {
            throw new IllegalArgumentException("calibrate: no phase of the given profiles has a device-level"
                    + " measurement (per-process NVML or an external run's pre-context baseline)");
        }
        List<String> notes = new ArrayList<>();
        List<Double> slackRatios = new ArrayList<>();
        for (Point p : points) {
            if (p.measuredReserved != null && p.estimatedReserved > 0) {
                slackRatios.add((double) (p.measuredReserved - p.estimatedReserved) / p.estimatedReserved);
            }
        }
        double slack = slackRatios.isEmpty() ? 0 : median(slackRatios);
        if (slackRatios.isEmpty()) {
            notes.add("allocator slack not identifiable: no profile measured the reserved level; set to 0");
        }
        List<Double> loadOverheads = new ArrayList<>();
        List<Double> computeOverheads = new ArrayList<>();
        for (Point p : points) {
            double overhead = p.measuredDevice - p.referenceReserved(slack);
            (p.runsKernels() ? computeOverheads : loadOverheads).add(overhead);
        }
        long context;
        long workspace;
        if (loadOverheads.isEmpty()) {
            List<Double> all = new ArrayList<>(computeOverheads);
            context = Math.max(0, Math.round(median(all)));
            workspace = 0;
            notes.add("no load phase measured: context and workspaces cannot be told apart; all in context_bytes");
        } else {
            context = Math.max(0, Math.round(median(loadOverheads)));
            workspace = computeOverheads.isEmpty() ? 0
                    : Math.max(0, Math.round(median(computeOverheads) - context));
            if (computeOverheads.isEmpty()) {
                notes.add("only load phases measured: library workspaces not identifiable; set to 0");
            }
        }
        List<DeviceCalibration.Residual> residuals = new ArrayList<>();
        for (Point p : points) {
            long fitted = Math.round(p.referenceReserved(slack)) + context + (p.runsKernels() ? workspace : 0);
            residuals.add(new DeviceCalibration.Residual(p.profile, p.phase, p.measuredDevice, fitted));
        }
        List<String> sources = comparisons.stream().map(Comparison::label).distinct().toList();
        return new DeviceCalibration(device.name(), device.slug(), GpuArchGuess.fromName(device.name()), context,
                workspace, slack, METHOD, sources, residuals, device.driverVersion(), toolVersion, gitCommit,
                notes);
    }

    private static DeviceInfo checkOneGpuModel(List<Comparison> comparisons) {
        Map<String, String> modelToFirstProfile = new LinkedHashMap<>();
        DeviceInfo first = null;
        for (Comparison c : comparisons) {
            DeviceInfo d = c.profile().provenance().device();
            if (d.kind() != DeviceInfo.Kind.GPU) {
                throw new IllegalArgumentException("calibrate: " + c.label() + " was measured on a "
                        + d.kind().name() + " device, not a GPU; calibration needs real GPU profiles");
            }
            modelToFirstProfile.putIfAbsent(d.name(), c.label());
            if (first == null) {
                first = d;
            }
        }
        if (modelToFirstProfile.size() > 1) {
            StringBuilder sb = new StringBuilder("calibrate: profiles come from different GPU models (");
            modelToFirstProfile.forEach((m, p) -> sb.append(m).append(" in ").append(p).append("; "));
            sb.setLength(sb.length() - 2);
            throw new IllegalArgumentException(sb.append("); calibrate one model at a time").toString());
        }
        return first;
    }

    private static List<Point> points(List<Comparison> comparisons) {
        List<Point> points = new ArrayList<>();
        for (Comparison c : comparisons) {
            Profile profile = c.profile();
            for (PhaseReading reading : profile.phases()) {
                PhaseEstimate estimate = c.estimateOf(reading.phase()).orElse(null);
                Measured device = MeasuredLevels.of(profile, reading, Level.DEVICE);
                if (estimate == null || !device.present()) {
                    continue;
                }
                Measured reserved = MeasuredLevels.of(profile, reading, Level.RESERVED);
                points.add(new Point(c.label(), reading.phase(), device.bytes(), estimate.reserved(),
                        reserved.bytes()));
            }
        }
        return points;
    }

    private record Point(String profile, String phase, long measuredDevice, long estimatedReserved,
                         Long measuredReserved) {
        boolean runsKernels() {
            return !Phase.LOAD.wire().equals(phase);
        }

        double referenceReserved(double slack) {
            return measuredReserved != null ? measuredReserved : estimatedReserved * (1 + slack);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.naturalOrder());
        return ErrorStats.percentile(sorted, 0.5);
    }
}
