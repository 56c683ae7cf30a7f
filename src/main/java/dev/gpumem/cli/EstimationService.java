package dev.gpumem.cli;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Estimate.FitVerdict;
import dev.gpumem.estimate.Estimator;
import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.compat.AccelerateCompat;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Loads a request's model and estimates it. Loaded inventories (and load failures) are kept per
 * (model, model_overrides) for the life of one command, so a batch of 10,000 requests over a few models reads
 * each config once. Not thread-safe; one instance per command run.
 */
final class EstimationService {
    private final BiFunction<String, Map<String, Object>, Inventory> loader;
    private final BiFunction<Inventory, RunConfig, Estimate> estimator;
    private final Map<ModelKey, Inventory> inventories = new HashMap<>();
    private final Map<ModelKey, RuntimeException> failures = new HashMap<>();

    /** The production wiring: {@link ModelLoader} and {@link Estimator}. */
    EstimationService() {
        this(new ModelLoader()::load, new Estimator()::estimate);
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
        ModelKey key = new ModelKey(config.model(), config.modelOverrides());
        Inventory inv = inventories.get(key);
        if (inv != null) {
            return inv;
        }
        RuntimeException failed = failures.get(key);
        if (failed != null) {
            throw failed;
        }
        try {
            inv = loader.apply(config.model(), config.modelOverrides());
        } catch (RuntimeException e) {
            failures.put(key, e);
            throw e;
        }
        inventories.put(key, inv);
        return inv;
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
        if (fit == e.fit() && acc == e.accelerate() && notes == e.notes()) {
            return e;
        }
        return new Estimate(e.config(), e.params(), e.trainableParams(), e.phases(), fit, acc, notes);
    }
}
