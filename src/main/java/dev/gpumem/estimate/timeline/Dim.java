package dev.gpumem.estimate.timeline;

/**
 * One named dimension of a tensor shape, e.g. {@code b = 4}.
 *
 * @param symbol the symbol printed in formulas (b, s, h, a, kv, d, i, v, ...)
 * @param value  its value for this request
 */
public record Dim(String symbol, long value) {
    public Dim {
        if (value <= 0) {
            throw new IllegalArgumentException("dimension " + symbol + " must be positive, got " + value);
        }
    }
}
