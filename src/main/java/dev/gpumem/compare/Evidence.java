package dev.gpumem.compare;

import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.WireEnum;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RunnerKind;

/**
 * What a compared row can tell about the estimate, decided by the runner that measured it.
 *
 * <p>The {@code replay} and {@code replay-cca} runners allocate the estimator's own allocation plan, so what they
 * measure was made by the estimator: their allocated and reserved counters are the runner's bookkeeping of that plan
 * and, on the CPU twin, the resident set is the plan's host allocations plus the probe's and glibc's overhead. Such a
 * row is a {@link #PLAN_CHECK}, never an estimate error. One exception is real: on a GPU, replay's device level is
 * NVML's reading of the process, i.e. the CUDA context and cudaMalloc's granularity on top of the plan's bytes; that
 * row is a {@link #DEVICE_OVERHEAD_CHECK}, a measurement of the estimator's device constants (not of its tensors).
 * Both are kept out of the estimate-error statistics and summarised in statistics rows of their own
 * ({@link ComparisonSummary#planChecks()}).
 */
public enum Evidence implements WireEnum {
    /** measured by a run independent of the estimator (djl, external): the estimate's signed error */
    ESTIMATE_ERROR("estimate_error", "estimate error"),
    /** replay of the estimator's own plan: checks the probe and the plan, not the estimate */
    PLAN_CHECK("plan_check", "plan check (replay of the estimator's own plan)"),
    /** replay's device level on a GPU: the CUDA context + cudaMalloc granularity over the plan, really measured */
    DEVICE_OVERHEAD_CHECK("device_overhead_check",
            "plan check, device level (replay on a GPU: CUDA context + cudaMalloc granularity over the plan)");

    private final String wire;
    private final String label;

    Evidence(String wire, String label) {
        this.wire = wire;
        this.label = label;
    }

    @Override
    public String wire() {
        return wire;
    }

    /** @return what the row is, for a table's column or a statistics row */
    public String label() {
        return label;
    }

    /** @return true for a row that checks the estimate (and so belongs in the error statistics and verdicts) */
    public boolean checksTheEstimate() {
        return this == ESTIMATE_ERROR;
    }

    /** @return what a row of {@code profile} at {@code level} is evidence of */
    public static Evidence of(Profile profile, Level level) {
        if (!replaysThePlan(profile)) {
            return ESTIMATE_ERROR;
        }
        boolean host = profile.provenance().device().kind() == DeviceInfo.Kind.CPU;
        return !host && level == Level.DEVICE ? DEVICE_OVERHEAD_CHECK : PLAN_CHECK;
    }

    /** @return true when the profile's runner allocated the estimator's own plan (replay, replay-cca) */
    public static boolean replaysThePlan(Profile profile) {
        String runner = profile.provenance().runner();
        return RunnerKind.REPLAY.wire().equals(runner) || RunnerKind.REPLAY_CCA.wire().equals(runner);
    }
}
