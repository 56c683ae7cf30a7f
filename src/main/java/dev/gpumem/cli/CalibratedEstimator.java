package dev.gpumem.cli;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Estimator;
import dev.gpumem.estimate.GpuSpec;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.device.Calibration;
import dev.gpumem.estimate.plan.AllocationPlan;
import dev.gpumem.io.ShippedCalibrations;
import dev.gpumem.model.Inventory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Picks the device constants for each request: the calibrations given on the command line (--calibration) when
 * there are any, else the calibration shipped for the request's GPU ({@link ShippedCalibrations}), else the
 * estimator's per-architecture defaults. One {@link Estimator} per distinct choice, kept for the run; lookups are
 * cached per GPU so a batch does not reread resources. Thread-safe.
 */
final class CalibratedEstimator {
    private final List<Calibration> explicit;
    private final ShippedCalibrations shipped;
    private final Map<GpuSpec, Optional<Calibration>> shippedByGpu = new ConcurrentHashMap<>();
    private final Map<List<Calibration>, Estimator> estimators = new ConcurrentHashMap<>();

    CalibratedEstimator(List<Calibration> explicit, ShippedCalibrations shipped) {
        this.explicit = List.copyOf(explicit);
        this.shipped = shipped;
    }

    Estimate estimate(Inventory inventory, RunConfig config) {
        return estimatorFor(config).estimate(inventory, config);
    }

    /** @return the allocation plan a replay allocates, with the same device constants as {@link #estimate} */
    AllocationPlan plan(Inventory inventory, RunConfig config) {
        return estimatorFor(config).plan(inventory, config);
    }

    private Estimator estimatorFor(RunConfig config) {
        return estimators.computeIfAbsent(calibrationsFor(config.gpu()), Estimator::new);
    }

    /** @return the calibrations the estimate of a request on {@code gpu} uses (empty: shipped defaults) */
    List<Calibration> calibrationsFor(GpuSpec gpu) {
        if (!explicit.isEmpty() || gpu == null) {
            return explicit;
        }
        return shippedByGpu.computeIfAbsent(gpu, shipped::forGpu).map(List::of).orElse(List.of());
    }
}
