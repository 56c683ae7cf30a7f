package dev.gpumem.estimate.plan;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Phase;
import java.util.Objects;

/** One step of an allocation plan. */
public sealed interface PlanEvent permits PlanEvent.Alloc, PlanEvent.Free, PlanEvent.PhaseStart {

    /**
     * Allocate a tensor.
     *
     * @param id        unique within the plan
     * @param name      tensor name, e.g. {@code layers.3.attn.scores}
     * @param bytes     requested bytes (before allocator rounding)
     * @param component what it is for
     */
    record Alloc(int id, String name, long bytes, Component component) implements PlanEvent {
        public Alloc {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(component, "component");
            if (bytes <= 0) {
                throw new IllegalArgumentException("alloc " + name + " of " + bytes + " B");
            }
        }
    }

    /** Free the tensor allocated with {@code id}. */
    record Free(int id) implements PlanEvent {
    }

    /** The following events belong to {@code phase}. */
    record PhaseStart(Phase phase) implements PlanEvent {
        public PhaseStart {
            Objects.requireNonNull(phase, "phase");
        }
    }
}
