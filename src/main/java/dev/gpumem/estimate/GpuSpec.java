package dev.gpumem.estimate;

import java.util.Objects;

/**
 * A card to check the fit against.
 *
 * @param name       preset name (e.g. h100-80gb) or the user's name for a custom card
 * @param totalBytes memory the driver reports as total (NVML total), bytes
 * @param arch       architecture, which selects the device-overhead defaults
 */
public record GpuSpec(String name, long totalBytes, GpuArch arch) {
    public GpuSpec {
        Objects.requireNonNull(name, "gpu.name");
        Objects.requireNonNull(arch, "gpu.arch");
        if (totalBytes <= 0) {
            throw new IllegalArgumentException("gpu.total_bytes: must be a positive integer, got " + totalBytes);
        }
    }

    public enum GpuArch implements WireEnum {
        VOLTA("volta"), TURING("turing"), AMPERE("ampere"), ADA("ada"), HOPPER("hopper"), BLACKWELL("blackwell"),
        CPU("cpu");
        private final String wire;
        GpuArch(String wire) { this.wire = wire; }
        @Override public String wire() { return wire; }
    }
}
