package dev.gpumem.compare;

import dev.gpumem.estimate.GpuSpec.GpuArch;
import java.util.Locale;

/** The architecture of an NVIDIA card from its NVML name, for a calibration of a card with no preset. */
final class GpuArchGuess {
    private GpuArchGuess() {
    }

    /**
     * @throws IllegalArgumentException when the name matches no known family
     */
    static GpuArch fromName(String name) {
        String n = name.toUpperCase(Locale.ROOT);
        if (n.matches(".*\\b(H100|H200|H800|H20|GH200)\\b.*")) {
            return GpuArch.HOPPER;
        }
        if (n.matches(".*\\b(B100|B200|GB200|B300|RTX 50\\d\\d|RTX PRO \\d+ BLACKWELL)\\b.*")) {
            return GpuArch.BLACKWELL;
        }
        if (n.matches(".*\\b(A100|A800|A10G?|A30|A40|A16|A2|RTX 30\\d\\d|RTX A\\d+)\\b.*")) {
            return GpuArch.AMPERE;
        }
        if (n.matches(".*\\b(L4|L40S?|RTX 40\\d\\d|RTX \\d+ ADA.*)\\b.*")) {
            return GpuArch.ADA;
        }
        if (n.matches(".*\\b(T4|RTX 20\\d\\d|QUADRO RTX \\d+)\\b.*")) {
            return GpuArch.TURING;
        }
        if (n.matches(".*\\b(V100|TITAN V)\\b.*")) {
            return GpuArch.VOLTA;
        }
        throw new IllegalArgumentException("gpu: cannot tell the architecture of '" + name
                + "'; known families: Volta, Turing, Ampere, Ada, Hopper, Blackwell");
    }
}
