package dev.gpumem.compare;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.PhaseEstimate;
import java.util.Objects;

/**
 * The fields of an estimate result that validation/score.py reads, any of which may be absent.
 *
 * @param id        request id
 * @param allocated peak.allocated_bytes
 * @param reserved  peak.reserved_bytes
 * @param device    peak.device_bytes
 * @param weights   max over phases of components.weights
 * @param kvCache   max over phases of components.kv_cache
 * @param fits      gpu.fits
 * @param error     the error sentence of a failed request (then every other field is null)
 */
public record EstimatorOutput(String id, Long allocated, Long reserved, Long device, Long weights, Long kvCache,
                              Boolean fits, String error) {
    public EstimatorOutput {
        Objects.requireNonNull(id, "id");
    }

    public static EstimatorOutput failed(String id, String error) {
        return new EstimatorOutput(id, null, null, null, null, null, null, error);
    }

    public static EstimatorOutput of(String id, Estimate e) {
        return new EstimatorOutput(id, e.peak(Level.ALLOCATED).allocated(), e.peak(Level.RESERVED).reserved(),
                e.peak(Level.DEVICE).device(), componentMax(e, Component.WEIGHTS),
                componentMax(e, Component.KV_CACHE), e.fit() == null ? null : e.fit().fits(), null);
    }

    private static Long componentMax(Estimate e, Component c) {
        Long max = null;
        for (PhaseEstimate p : e.phases()) {
            Long v = p.components().get(c);
            if (v != null && (max == null || v > max)) {
                max = v;
            }
        }
        return max;
    }
}
