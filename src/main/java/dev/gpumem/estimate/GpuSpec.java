package dev.gpumem.estimate;

import dev.gpumem.input.BadInputException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
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
 * @param archOrigin whether {@code arch} was stated, read from the name, or the conservative default
 * @param contextBytes the CUDA context the user measured on this machine (device memory in use after the first CUDA
 *                   op, less what the caching allocator holds), bytes; empty when not stated. Stated, it replaces the
 *                   context of the GPU class's shipped default or calibration (the other device constants stay)
 */
public record GpuSpec(String name, long totalBytes, GpuArch arch, String cuda, ArchOrigin archOrigin,
                      OptionalLong contextBytes) {
    /**
     * The architecture a custom card without {@code arch} gets when its name tells none: Hopper, whose shipped
     * device constants are the largest (the 32 MiB sm90+ cuBLAS workspace against 8,320 KiB before sm90, the same
     * 500 MiB context), so the device level errs high rather than low.
     */
    public static final GpuArch DEFAULT_ARCH = GpuArch.HOPPER;

    private static final Pattern VERSION = Pattern.compile("(\\d{1,2})(?:\\.(\\d{1,2}))?(?:\\.\\d+)?");

    public GpuSpec {
        Objects.requireNonNull(name, "gpu.name");
        Objects.requireNonNull(arch, "gpu.arch");
        Objects.requireNonNull(archOrigin, "gpu.archOrigin");
        Objects.requireNonNull(contextBytes, "gpu.contextBytes");
        if (contextBytes.isPresent() && (contextBytes.getAsLong() <= 0 || contextBytes.getAsLong() >= totalBytes)) {
            throw new BadInputException("gpu.context_bytes: must be a positive number of bytes below the card's total ("
                    + totalBytes + "), got " + contextBytes.getAsLong());
        }
        if (totalBytes <= 0) {
            throw new BadInputException("gpu.total_bytes: must be a positive integer, got " + totalBytes);
        }
        if (cuda != null && !VERSION.matcher(cuda).matches()) {
            throw new BadInputException("gpu.cuda: expected a CUDA version such as \"11.2\" or \"12.4\", got '"
                    + cuda + "'");
        }
    }

    /** A card with no measured context stated. */
    public GpuSpec(String name, long totalBytes, GpuArch arch, String cuda, ArchOrigin archOrigin) {
        this(name, totalBytes, arch, cuda, archOrigin, OptionalLong.empty());
    }

    /** A card whose architecture is stated. */
    public GpuSpec(String name, long totalBytes, GpuArch arch, String cuda) {
        this(name, totalBytes, arch, cuda, ArchOrigin.STATED);
    }

    /** A card whose architecture is stated and whose CUDA version is not. */
    public GpuSpec(String name, long totalBytes, GpuArch arch) {
        this(name, totalBytes, arch, null);
    }

    /**
     * A custom card given only by name and total: the architecture is read from the name
     * ({@link GpuArch#fromName}), else {@link #DEFAULT_ARCH}; {@link #archNote()} says which.
     */
    public static GpuSpec withoutArch(String name, long totalBytes, String cuda) {
        Optional<GpuArch> read = GpuArch.fromName(name);
        return new GpuSpec(name, totalBytes, read.orElse(DEFAULT_ARCH), cuda,
                read.isPresent() ? ArchOrigin.FROM_NAME : ArchOrigin.DEFAULT);
    }

    /** @return this card run under CUDA {@code version} */
    public GpuSpec withCuda(String version) {
        return new GpuSpec(name, totalBytes, arch, version, archOrigin, contextBytes);
    }

    /** @return this card with the CUDA context measured on the user's machine, bytes */
    public GpuSpec withContext(long bytes) {
        return new GpuSpec(name, totalBytes, arch, cuda, archOrigin, OptionalLong.of(bytes));
    }

    /** @return a note for the estimate when the architecture was not stated, else empty */
    public Optional<String> archNote() {
        return switch (archOrigin) {
            case STATED -> Optional.empty();
            case FROM_NAME -> Optional.of("gpu '" + name + "': no arch given; " + arch.wire()
                    + " read from the name selects the device constants (state gpu.arch to choose another)");
            case DEFAULT -> Optional.of("gpu '" + name + "': no arch given and the name names no known family;"
                    + " the conservative default " + arch.wire() + " (the largest shipped device constants) selects"
                    + " the device constants (state gpu.arch to choose another)");
        };
    }

    /** How a card's architecture was decided. */
    public enum ArchOrigin {
        /** given in the request (or the preset's) */
        STATED,
        /** read from the card's name */
        FROM_NAME,
        /** the name told nothing: {@link #DEFAULT_ARCH} */
        DEFAULT
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
            return fromName(name).orElseThrow(() -> new BadInputException("gpu: cannot tell the architecture"
                    + " of '" + name + "'; known families: Volta, Turing, Ampere, Ada, Hopper, Blackwell"));
        }

        /**
         * The architecture of an NVIDIA card from a name as NVML prints it ("NVIDIA H100 80GB HBM3") or as a user
         * writes it ("h100-nvl", "rtx4090", "A6000"): the product code, not preceded by a letter or digit and not
         * followed by a digit, decides (NVIDIA's product pages: H100/H200/H800/H20/GH200 Hopper; B100/B200/B300/
         * GB200/GB300 and RTX 50xx Blackwell; A100/A800/A10(G)/A30/A40/A16/A2, RTX 30xx and RTX Axxxx Ampere;
         * L4/L20/L40(S), RTX 40xx and RTX xxxx Ada; T4, RTX 20xx, TITAN RTX Turing; V100, TITAN V Volta).
         *
         * @return the family, or empty when the name names none
         */
        public static Optional<GpuArch> fromName(String name) {
            String n = " " + name.toUpperCase(Locale.ROOT).replace('_', ' ') + " ";
            if (matches(n, "H100|H200|H800|H20|GH200")) {
                return Optional.of(HOPPER);
            }
            if (matches(n, "B100|B200|B300|GB200|GB300|RTX ?50\\d\\d|RTX PRO \\d+ BLACKWELL")) {
                return Optional.of(BLACKWELL);
            }
            if (matches(n, "L4|L20|L40S?|RTX ?40\\d\\d|(RTX )?\\d{4} ADA")) {
                return Optional.of(ADA);
            }
            if (matches(n, "A100|A800|A10G?|A30|A40|A16|A2|RTX ?30\\d\\d|(RTX ?)?A\\d{4}")) {
                return Optional.of(AMPERE);
            }
            if (matches(n, "T4|RTX ?20\\d\\d|QUADRO RTX \\d+|TITAN RTX")) {
                return Optional.of(TURING);
            }
            if (matches(n, "V100|TITAN V")) {
                return Optional.of(VOLTA);
            }
            return Optional.empty();
        }

        private static boolean matches(String upperName, String codes) {
            return Pattern.compile("(?<![A-Z0-9])(" + codes + ")(?![0-9])").matcher(upperName).find();
        }
    }
}
