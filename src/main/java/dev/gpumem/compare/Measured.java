package dev.gpumem.compare;

import java.util.Objects;

/**
 * One measured number and how it was obtained. Absent is not zero: a level that the profile did not measure has
 * {@code bytes == null} and a reason in {@code basis}.
 *
 * @param bytes bytes measured, or null when absent
 * @param basis what the number is (e.g. "torch max_memory_allocated"), or why it is absent
 */
public record Measured(Long bytes, String basis) {
    public Measured {
        Objects.requireNonNull(basis, "basis");
    }

    public static Measured of(long bytes, String basis) {
        return new Measured(bytes, basis);
    }

    public static Measured absent(String reason) {
        return new Measured(null, reason);
    }

    public boolean present() {
        return bytes != null;
    }
}
