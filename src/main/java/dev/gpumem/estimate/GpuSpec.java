package dev.gpumem.estimate;

import dev.gpumem.input.BadInputException;
import java.util.Locale;
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
            throw new BadInputException("gpu.total_bytes: must be a positive integer, got " + totalBytes);
        }
        if (cuda != null && !VERSION.matcher(cuda).matches()) {
            throw new BadInputException("gpu.cuda: expected a CUDA version such as \"11.2\" or \"12.4\", got '"
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

        /**
         * The architecture of an NVIDIA card from its NVML name (nvidia-smi --query-gpu=name), for a card with no
         * preset.
         *
         * @throws BadInputException when the name matches no known family
         */
        public static GpuArch fromDeviceName(String name) {
            String n = name.toUpperCase(Locale.ROOT);
            if (n.matches(".*\\b(H100|H200|H800|H20|GH200)\\b.*")) {
                return HOPPER;
            }
            if (n.matches(".*\\b(B100|B200|GB200|B300|RTX 50\\d\\d|RTX PRO \\d+ BLACKWELL)\\b.*")) {
                return BLACKWELL;
            }
            if (n.matches(".*\\b(A100|A800|A10G?|A30|A40|A16|A2|RTX 30\\d\\d|RTX A\\d+)\\b.*")) {
                return AMPERE;
            }
            if (n.matches(".*\\b(L4|L40S?|RTX 40\\d\\d|RTX \\d+ ADA.*)\\b.*")) {
                return ADA;
            }
            if (n.matches(".*\\b(T4|RTX 20\\d\\d|QUADRO RTX \\d+)\\b.*")) {
                return TURING;
            }
            if (n.matches(".*\\b(V100|TITAN V)\\b.*")) {
                return VOLTA;
            }
            throw new BadInputException("gpu: cannot tell the architecture of '" + name
                    + "'; known families: Volta, Turing, Ampere, Ada, Hopper, Blackwell");
        }
    }
}
