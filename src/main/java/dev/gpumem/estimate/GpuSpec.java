package dev.gpumem.estimate;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A card to check the fit against.
 *
 * @param name       preset name (e.g. h100-80gb) or the user's name for a custom card
 * @param totalBytes memory the driver reports as total (NVML total), bytes
 * @param arch       architecture, which selects the device-overhead defaults
 * @param cuda       CUDA runtime version the process runs, "major.minor" (e.g. "11.2"), or null when not stated
 *                   (a current runtime is assumed); it selects the CUDA context default (lazy module loading
 *                   arrived in CUDA 11.7)
 */
public record GpuSpec(String name, long totalBytes, GpuArch arch, String cuda) {
    private static final Pattern VERSION = Pattern.compile("(\\d{1,2})(?:\\.(\\d{1,2}))?(?:\\.\\d+)?");

    public GpuSpec {
        Objects.requireNonNull(name, "gpu.name");
        Objects.requireNonNull(arch, "gpu.arch");
        if (totalBytes <= 0) {
            throw new IllegalArgumentException("gpu.total_bytes: must be a positive integer, got " + totalBytes);
        }
        if (cuda != null && !VERSION.matcher(cuda).matches()) {
            throw new IllegalArgumentException("gpu.cuda: expected a CUDA version such as \"11.2\" or \"12.4\", got '"
                    + cuda + "'");
        }
    }

    /** A card whose CUDA version is not stated. */
    public GpuSpec(String name, long totalBytes, GpuArch arch) {
        this(name, totalBytes, arch, null);
    }

    /** @return this card run under CUDA {@code version} */
    public GpuSpec withCuda(String version) {
        return new GpuSpec(name, totalBytes, arch, version);
    }

    /**
     * @return whether the CUDA runtime loads kernel modules lazily (CUDA ≥ 11.7, CUDA_MODULE_LOADING=LAZY the
     *         default since 12.2 and set by PyTorch's own builds since 1.13/2.0); true when the version is not stated
     */
    public boolean lazyModuleLoading() {
        if (cuda == null) {
            return true;
        }
        Matcher m = VERSION.matcher(cuda);
        m.matches();
        int major = Integer.parseInt(m.group(1));
        int minor = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        return major > 11 || (major == 11 && minor >= 7);
    }

    public enum GpuArch implements WireEnum {
        VOLTA("volta"), TURING("turing"), AMPERE("ampere"), ADA("ada"), HOPPER("hopper"), BLACKWELL("blackwell"),
        CPU("cpu");
        private final String wire;
        GpuArch(String wire) { this.wire = wire; }
        @Override public String wire() { return wire; }
    }
}
