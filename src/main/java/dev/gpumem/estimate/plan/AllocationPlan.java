package dev.gpumem.estimate.plan;

import java.util.List;

/**
 * Ordered allocate / free events of one run. Replaying it on an empty allocator reproduces the estimate's
 * allocated level phase by phase.
 *
 * @param events in order; the first is a {@link PlanEvent.PhaseStart}
 */
public record AllocationPlan(List<PlanEvent> events) {
    public AllocationPlan {
        events = List.copyOf(events);
        if (!events.isEmpty() && !(events.get(0) instanceof PlanEvent.PhaseStart)) {
            throw new IllegalArgumentException("an allocation plan starts with a phase");
        }
    }
}
