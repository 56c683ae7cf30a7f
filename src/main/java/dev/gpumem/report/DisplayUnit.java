package dev.gpumem.report;

import dev.gpumem.units.ByteFormat;

/** The 1024-based unit a chart axis shows, chosen so the largest value reads as a number ≥ 1. */
enum DisplayUnit {
    MIB("MiB", ByteFormat.MIB), GIB("GiB", ByteFormat.GIB);

    final String label;
    final long bytes;

    DisplayUnit(String label, long bytes) {
        this.label = label;
        this.bytes = bytes;
    }

    static DisplayUnit forMax(long maxBytes) {
        return maxBytes >= ByteFormat.GIB ? GIB : MIB;
    }

    double of(long b) {
        return b / (double) bytes;
    }
}
