package dev.gpumem.gpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Whether an NVIDIA driver is present, decided without loading any native library (a JNI load of NVML on a machine
 * without a driver must not be what skips a test): /proc/driver/nvidia/version, else libnvidia-ml.so.1 in the
 * dynamic linker's cache ({@code ldconfig -p}).
 */
final class GpuPresence {
    private GpuPresence() {
    }

    /** @return empty when a driver is present, else the reason there is none, for the skip message */
    static Optional<String> missingReason() {
        if (Files.isReadable(Path.of("/proc/driver/nvidia/version"))) {
            return Optional.empty();
        }
        String cache = ldconfigCache();
        if (listsNvml(cache)) {
            return Optional.empty();
        }
        return Optional.of("no NVIDIA driver: /proc/driver/nvidia/version is absent and libnvidia-ml.so.1 is not in "
                + (cache == null ? "the linker cache (ldconfig -p could not run)" : "ldconfig -p")
                + "; the GPU suite did not run");
    }

    /** @param ldconfigOutput the text of {@code ldconfig -p}, or null */
    static boolean listsNvml(String ldconfigOutput) {
        if (ldconfigOutput == null) {
            return false;
        }
        return ldconfigOutput.lines().map(String::strip).anyMatch(l -> l.startsWith("libnvidia-ml.so.1 "));
    }

    private static String ldconfigCache() {
        for (String exe : new String[] {"/sbin/ldconfig", "/usr/sbin/ldconfig", "ldconfig"}) {
            try {
                Process p = new ProcessBuilder(exe, "-p").redirectErrorStream(true).start();
                byte[] out = p.getInputStream().readAllBytes();
                if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return new String(out, StandardCharsets.UTF_8);
                }
                p.destroyForcibly();
            } catch (IOException e) {
                // try the next location
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }
}
