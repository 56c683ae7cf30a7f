package dev.gpumem.compare;

import dev.gpumem.input.BadInputException;
import java.util.Objects;

/**
 * One published measurement (a line of validation/truth.jsonl).
 *
 * @param id            case id, shared with its request
 * @param metric        allocated, reserved, device, weights, kv_cache, fits or does_not_fit
 * @param bytes         the measured bytes (byte metrics), or null for a capacity verdict
 * @param gpu           the card, as published
 * @param trust         complete or partial
 * @param gpuTotalBytes the card's total (capacity verdicts without a fits field in the output), or null
 * @param boundary      true for a "largest configuration that fit" case
 */
public record TruthCase(String id, String metric, Long bytes, String gpu, String trust, Long gpuTotalBytes,
                        boolean boundary) {
    public TruthCase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(metric, "metric");
        if (!ValidationScorer.BYTE_METRICS.contains(metric) && !ValidationScorer.CAPACITY.contains(metric)) {
            throw new BadInputException("truth " + id + ": metric must be one of allocated, reserved, device,"
                    + " weights, kv_cache, fits, does_not_fit; got '" + metric + "'");
        }
        if (ValidationScorer.BYTE_METRICS.contains(metric) && (bytes == null || bytes <= 0)) {
            throw new BadInputException("truth " + id + ": bytes must be a positive integer for metric "
                    + metric);
        }
    }
}
