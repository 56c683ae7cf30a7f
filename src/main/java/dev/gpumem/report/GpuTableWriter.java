package dev.gpumem.report;

import dev.gpumem.estimate.GpuPreset;
import dev.gpumem.units.ByteFormat;
import java.util.List;
import java.util.Locale;

/** {@code gpumem gpus}: the GPU presets as a table (MiB as nvidia-smi prints it, and GiB). */
public final class GpuTableWriter {
    private GpuTableWriter() {
    }

    public static String write(List<GpuPreset> presets) {
        StringBuilder sb = new StringBuilder();
        sb.append("GPU presets: total = NVML total memory (nvidia-smi memory.total); MiB = 1024² B, GiB = 1024³ B\n");
        sb.append(String.format(Locale.ROOT, "%-14s %-26s %-10s %11s %10s  %s%n", "name", "product", "arch",
                "total MiB", "total GiB", "source"));
        for (GpuPreset p : presets) {
            sb.append(String.format(Locale.ROOT, "%-14s %-26s %-10s %11d %10.2f  %s%n", p.name(), p.product(),
                    p.arch().wire(), p.totalBytes() / ByteFormat.MIB, p.totalBytes() / (double) ByteFormat.GIB,
                    p.source()));
        }
        return sb.toString();
    }
}
