package dev.gpumem.cli;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Estimate.FitVerdict;
import dev.gpumem.estimate.Estimator;
import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.compat.AccelerateCompat;
import dev.gpumem.estimate.device.Calibration;
import dev.gpumem.io.ShippedCalibrations;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * Loads a request's model and estimates it. Loaded inventories (and load failures) are kept per
 * (model, model_overrides) for the life of one command, so a batch of 10,000 requests over a few models reads
 * each config once. Thread-safe (the estimator is stateless); one instance per command run.
 */
final class EstimationService {
    private final BiFunction<String, Map<String, Object>, Inventory> loader;
    private final BiFunction<Inventory, RunConfig, Estimate> estimator;
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
        this(new ModelLoader()::load, new CalibratedEstimator(calibrations, new ShippedCalibrations())::estimate);
    }

    /**
     * @param loader    (model, overrides) → inventory
     * @param estimator (inventory, request) → estimate (tests pass functions of their own)
     */
    EstimationService(BiFunction<String, Map<String, Object>, Inventory> loader,
                      BiFunction<Inventory, RunConfig, Estimate> estimator) {
        this.loader = loader;
        this.estimator = estimator;
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

    /**
     * @return the estimate, with accelerate's numbers when the request asks for compat accelerate and the fit
     *         verdict when it names a GPU (computed here from the peak device level if the estimator left them out),
     *         and the model reader's warnings first among the notes
     */
    Estimate estimate(RunConfig config) {
        Inventory inv = inventory(config);
        Estimate e = estimator.apply(inv, config);
        FitVerdict fit = e.fit();
        if (fit == null && config.gpu() != null) {
            long peak = e.peak(Level.DEVICE).device();
            fit = new FitVerdict(config.gpu(), peak, config.gpu().totalBytes() - peak,
                    peak <= config.gpu().totalBytes());
        }
        Estimate.AccelerateNumbers acc = e.accelerate();
        if (acc == null && config.compat() == RunConfig.Compat.ACCELERATE) {
            acc = AccelerateCompat.estimate(inv, config);
        }
        List<String> notes = e.notes();
        List<String> warnings = inv.warnings().stream().filter(w -> !e.notes().contains(w)).toList();
        if (!warnings.isEmpty()) {
            notes = new ArrayList<>(warnings);
            notes.addAll(e.notes());
        }
        if (acc != e.accelerate()) {
            var note = AccelerateCompat.bufferNote(inv, AccelerateCompat.AccelerateDtype.of(config.precision()));
            if (note.isPresent()) {
                notes = new ArrayList<>(notes);
                notes.add(note.get());
            }
        }
        if (fit == e.fit() && acc == e.accelerate() && notes == e.notes()) {
            return e;
        }
        return new Estimate(e.config(), e.params(), e.trainableParams(), e.phases(), fit, acc, notes);
    }
}
