package dev.gpumem.units;

import java.util.Locale;

/** Display of byte counts, 1024-based. Every string it makes names its unit (GiB, MiB, KiB, B). */
public final class ByteFormat {
    public static final long KIB = 1024L;
    public static final long MIB = 1024L * KIB;
    public static final long GIB = 1024L * MIB;

    private ByteFormat() {
    }

    /** @return e.g. "12.37 GiB" (two decimals). */
    public static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (double) GIB);
    }

    /** @return e.g. "388.02 MiB" (two decimals). */
    public static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.2f MiB", bytes / (double) MIB);
    }

    /** @return the largest 1024-based unit that keeps the number at or above 1, two decimals. */
    public static String human(long bytes) {
        long abs = Math.abs(bytes);
        if (abs >= GIB) {
            return gib(bytes);
        }
        if (abs >= MIB) {
            return mib(bytes);
        }
        if (abs >= KIB) {
            return String.format(Locale.ROOT, "%.2f KiB", bytes / (double) KIB);
        }
        return bytes + " B";
    }

    /** @return the count with thousands separators, e.g. "6,738,415,616". */
    public static String grouped(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }
}
