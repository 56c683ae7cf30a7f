package dev.gpumem.compare;

import dev.gpumem.estimate.GpuSpec.GpuArch;
import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.input.BadInputException;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Fits a {@link DeviceCalibration} (CUDA context, outside-allocator library memory, allocator slack) for one GPU
 * model from comparisons of its real profiles with their estimates.
 *
 * <p>Method: medians, not least squares. NVML peaks are polled lower bounds and one missed peak or one foreign
 * process would pull a least-squares constant by its whole size; a median ignores it. For every measured phase,
 * with D the measured device bytes ({@link MeasuredLevels}), A and R the estimate's allocated and reserved, and
 * MA, MR the framework's measured allocated and reserved where the profile has them:
 * <ol>
 *   <li>slack factor = median of (MR − MA) / (R − A) over phases with both counters and a positive modelled gap;
 *       1 (the allocator model as is) when no profile has them. A fit below 1 is kept at 1, since the estimator
 *       only scales the gap up, and a note says so;</li>
 *   <li>R' = MR where measured, else A + factor · (R − A); overhead o = D − R';</li>
 *   <li>context = median of o over the load phases (no kernel has run, so no library handle exists);</li>
 *   <li>workspace = max(0, median of o over the other phases − context).</li>
 * </ol>
 * With no load phase measured, context is the median of every o and workspace is 0, and a note says so.
 *
 * <p>Replay profiles (replay, replay-cca: the estimator's own plan, {@link Evidence}) are used for what they really
 * measure on a GPU, the device level over the plan's bytes: their framework counters are the runner's bookkeeping of
 * the plan, so they never enter the slack factor; R' is what the device holds for the plan (replay-cca: the
 * segments, MR; plain replay: one cudaMalloc per live tensor, MA, so its cudaMalloc granularity lands in the
 * context); and since a replay runs no kernel (cudaMemset only, no library handle), every replay phase counts as a
 * load phase (context only), never as a workspace point.
 * The residuals (D − calibrated device) are reported so a reader can judge the fit.
 */
public final class Calibrator {
    /** Fit method as recorded in the calibration file. */
    public static final String METHOD = "medians of per-phase residuals (robust to polled-peak misses)";

    private final String toolVersion;
    private final String gitCommit;

    public Calibrator(String toolVersion, String gitCommit) {
        this.toolVersion = toolVersion;
        this.gitCommit = gitCommit;
    }

    /**
     * @throws BadInputException (one sentence) for no input, CPU or stub profiles, mixed GPU models, or no
     *                                  phase with a device-level measurement
     */
    public DeviceCalibration fit(List<Comparison> comparisons) {
        if (comparisons.isEmpty()) {
            throw new BadInputException("calibrate: no profiles given");
        }
        DeviceInfo device = checkOneGpuModel(comparisons);
        List<Point> points = points(comparisons);
        if (points.isEmpty()) {
            throw new BadInputException("calibrate: no phase of the given profiles has a device-level"
                    + " measurement (per-process NVML or an external run's pre-context baseline)");
        }
        List<String> notes = new ArrayList<>();
        double factor = slackFactor(points, notes);
        if (!(factor >= 0 && factor < 100)) {
            // valid numbers, but no caching allocator reserves that: the profiles' counters do not describe one run
            throw new BadInputException("calibrate: the profiles give an allocator slack factor of " + factor
                    + ", outside [0, 100): their reserved and allocated counters cannot come from one caching "
                    + "allocator; check the profiles (" + String.join(", ", comparisons.stream()
                            .map(Comparison::label).distinct().toList()) + ")");
        }
        List<Double> loadOverheads = new ArrayList<>();
        List<Double> computeOverheads = new ArrayList<>();
        for (Point p : points) {
            double overhead = p.measuredDevice - p.referenceReserved(factor);
            (p.runsKernels() ? computeOverheads : loadOverheads).add(overhead);
        }
        long context;
        long workspace;
        if (loadOverheads.isEmpty()) {
            context = Math.max(0, Math.round(median(computeOverheads)));
            workspace = 0;
            notes.add("no load phase measured: context and library memory cannot be told apart; all in context_bytes");
        } else {
            context = Math.max(0, Math.round(median(loadOverheads)));
            workspace = computeOverheads.isEmpty() ? 0
                    : Math.max(0, Math.round(median(computeOverheads) - context));
            if (computeOverheads.isEmpty()) {
                notes.add("only phases without kernels measured (load, or a replay): library memory not identifiable;"
                        + " workspace_bytes set to 0");
            }
        }
        if (points.stream().anyMatch(p -> p.replay)) {
            notes.add("replay profiles used for the context only: they run no kernel, and their counters are the"
                    + " plan's own; a plain replay's per-tensor cudaMalloc granularity is counted in the context");
        }
        List<DeviceCalibration.Residual> residuals = new ArrayList<>();
        for (Point p : points) {
            long fitted = Math.round(p.referenceReserved(factor)) + context + (p.runsKernels() ? workspace : 0);
            residuals.add(new DeviceCalibration.Residual(p.profile, p.phase, p.measuredDevice, fitted));
        }
        List<String> sources = comparisons.stream().map(Comparison::label).distinct().toList();
        return new DeviceCalibration(device.name(), device.slug(), GpuArch.fromDeviceName(device.name()), context,
                workspace, factor, METHOD, sources, residuals, device.driverVersion(), toolVersion, gitCommit,
                notes);
    }

    private static double slackFactor(List<Point> points, List<String> notes) {
        List<Double> ratios = new ArrayList<>();
        for (Point p : points) {
            long modelledGap = p.estimatedReserved - p.estimatedAllocated;
            if (!p.replay && p.measuredReserved != null && p.measuredAllocated != null && modelledGap > 0) {
                ratios.add((double) (p.measuredReserved - p.measuredAllocated) / modelledGap);
            }
        }
        if (ratios.isEmpty()) {
            notes.add("allocator slack not identifiable: no phase measured both framework counters with a modelled"
                    + " gap (a replay's counters are its own plan's, not the framework's); factor kept at 1");
            return 1.0;
        }
        double fitted = median(ratios);
        if (fitted < 1.0) {
            notes.add(String.format(Locale.ROOT, "fitted allocator slack factor %.3f < 1 (the allocator model"
                    + " over-reserves); kept at 1, since the estimator only scales the gap up", fitted));
            return 1.0;
        }
        return fitted;
    }

    private static DeviceInfo checkOneGpuModel(List<Comparison> comparisons) {
        Map<String, String> modelToFirstProfile = new LinkedHashMap<>();
        DeviceInfo first = null;
        for (Comparison c : comparisons) {
            DeviceInfo d = c.profile().provenance().device();
            if (d.kind() != DeviceInfo.Kind.GPU) {
                throw new BadInputException("calibrate: " + c.label() + " was measured on a "
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
            throw new BadInputException(sb.append("); calibrate one model at a time").toString());
        }
        return first;
    }

    private static List<Point> points(List<Comparison> comparisons) {
        List<Point> points = new ArrayList<>();
        for (Comparison c : comparisons) {
            Profile profile = c.profile();
            boolean replay = Evidence.replaysThePlan(profile);
            for (PhaseReading reading : profile.phases()) {
                PhaseEstimate estimate = c.estimateOf(reading.phase()).orElse(null);
                Measured device = MeasuredLevels.of(profile, reading, Level.DEVICE);
                if (estimate == null || !device.present()) {
                    continue;
                }
                points.add(new Point(c.label(), reading.phase(), device.bytes(), estimate.allocated(),
                        estimate.reserved(), MeasuredLevels.of(profile, reading, Level.ALLOCATED).bytes(),
                        MeasuredLevels.of(profile, reading, Level.RESERVED).bytes(), replay));
            }
        }
        return points;
    }

    /** @param replay the profile replayed the estimator's own plan: no kernel ran, the counters are the plan's */
    private record Point(String profile, String phase, long measuredDevice, long estimatedAllocated,
                         long estimatedReserved, Long measuredAllocated, Long measuredReserved, boolean replay) {
        boolean runsKernels() {
            return !replay && !Phase.LOAD.wire().equals(phase);
        }

        /** @return what the caching allocator (or, for a plain replay, the plan's own cudaMallocs) held */
        double referenceReserved(double factor) {
            if (measuredReserved != null) {
                return measuredReserved;
            }
            if (replay && measuredAllocated != null) {
                return measuredAllocated;
            }
            return estimatedAllocated + factor * (estimatedReserved - estimatedAllocated);
        }
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.naturalOrder());
        return ErrorStats.percentile(sorted, 0.5);
    }
}
