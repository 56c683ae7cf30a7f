package dev.gpumem.estimate;

import dev.gpumem.estimate.plan.AllocationPlan;
import dev.gpumem.model.Inventory;
import java.util.List;

/** Predicts memory per phase and per level. Stateless and thread-safe. */
public final class Estimator {

    /**
     * @throws IllegalArgumentException when the request cannot be estimated for this model (one sentence)
     */
    public Estimate estimate(Inventory inventory, RunConfig config) {
        throw new IllegalArgumentException("estimate: not implemented yet");
    }

    /** The ordered allocate/free events whose replay reproduces {@link #estimate}'s allocated level. */
    public AllocationPlan plan(Inventory inventory, RunConfig config) {
        return new AllocationPlan(List.of());
    }
}
