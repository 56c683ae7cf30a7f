package dev.gpumem.estimate;

import dev.gpumem.estimate.GpuSpec.GpuArch;
import java.util.Objects;

/**
 * A named card with the memory total the driver reports.
 *
 * @param name       preset name used in requests, e.g. {@code h100-80gb}
 * @param product    the product name as nvidia-smi prints it, e.g. {@code NVIDIA H100 80GB HBM3}
 * @param totalBytes NVML total (nvidia-smi {@code memory.total} in MiB × 1024²), bytes
 * @param arch       architecture, which selects the device-overhead defaults
 * @param source     where the total comes from
 */
public record GpuPreset(String name, String product, long totalBytes, GpuArch arch, String source) {
    public GpuPreset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(source, "source");
        if (totalBytes <= 0) {
            throw new IllegalArgumentException("gpu preset " + name + ": total bytes must be positive, got " + totalBytes);
        }
    }

    /** @return the card as a request's {@code gpu} */
    public GpuSpec spec() {
        return new GpuSpec(name, totalBytes, arch);
    }
}
