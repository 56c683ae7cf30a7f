package dev.gpumem.cli;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Estimator;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.device.Calibration;
import dev.gpumem.estimate.plan.AllocationPlan;
import dev.gpumem.io.ShippedCalibrations;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The composition root of estimation: the one place the {@link ModelLoader}, the {@link Estimator} and the device
 * calibrations ({@link CalibratedEstimator}) are wired together; every command and {@link Workbench} gets its
 * estimates (and a replay its allocation plan) here. Loaded inventories (and load failures) are kept per (model,
 * model_overrides) for the life of one command, so a batch of 10,000 requests over a few models reads each config
 * once. The Estimator's Estimate is returned as it is (fit verdict, notes, accelerate's numbers are its own).
 * Thread-safe (the estimator is stateless); one instance per command run.
 */
final class EstimationService {
    private final BiFunction<String, Map<String, Object>, Inventory> loader;
    private final BiFunction<Inventory, RunConfig, Estimate> estimator;
    private final BiFunction<Inventory, RunConfig, AllocationPlan> planner;
    /** per (model, overrides): the Inventory, or the RuntimeException loading it threw */
    private final Map<ModelKey, Object> loaded = new ConcurrentHashMap<>();

    /**
     * The production wiring: {@link ModelLoader} and {@link Estimator}, with the calibration shipped for the
     * request's GPU where there is one, else the estimator's per-architecture defaults.
     */
    EstimationService() {
        this(List.of());
    }

    /**
     * The production wiring with device constants (from --calibration) that replace the shipped calibrations and
     * defaults of their GPU architectures; an empty list means the shipped ones.
     */
    EstimationService(List<Calibration> calibrations) {
        this(new ModelLoader()::load, new CalibratedEstimator(calibrations, new ShippedCalibrations()));
    }

    private EstimationService(BiFunction<String, Map<String, Object>, Inventory> loader,
                              CalibratedEstimator calibrated) {
        this(loader, calibrated::estimate, calibrated::plan);
    }

    /**
     * @param loader    (model, overrides) → inventory
     * @param estimator (inventory, request) → estimate (tests pass functions of their own)
     */
    EstimationService(BiFunction<String, Map<String, Object>, Inventory> loader,
                      BiFunction<Inventory, RunConfig, Estimate> estimator) {
        this(loader, estimator, (inventory, config) -> {
            throw new UnsupportedOperationException("this wiring makes no allocation plans");
        });
    }

    private EstimationService(BiFunction<String, Map<String, Object>, Inventory> loader,
                              BiFunction<Inventory, RunConfig, Estimate> estimator,
                              BiFunction<Inventory, RunConfig, AllocationPlan> planner) {
        this.loader = loader;
        this.estimator = estimator;
        this.planner = planner;
    }

    private record ModelKey(String model, Map<String, Object> overrides) {
    }

    /** @return the request's model inventory, loaded once per (model, overrides) */
    Inventory inventory(RunConfig config) {
        Object o = loaded.computeIfAbsent(new ModelKey(config.model(), config.modelOverrides()), k -> {
            try {
                return loader.apply(k.model(), k.overrides());
            } catch (RuntimeException e) {
                return e;
            }
        });
        if (o instanceof RuntimeException e) {
            throw e;
        }
        return (Inventory) o;
    }

    /** @return the estimate of {@code config} on its model (complete: fit verdict, notes, accelerate's numbers) */
    Estimate estimate(RunConfig config) {
        return estimator.apply(inventory(config), config);
    }

    /** @return the allocation plan a replay of {@code config} allocates, wired as {@link #estimate} is */
    AllocationPlan plan(RunConfig config) {
        return planner.apply(inventory(config), config);
    }
}
