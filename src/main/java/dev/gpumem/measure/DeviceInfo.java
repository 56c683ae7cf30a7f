package dev.gpumem.measure;

/**
 * The device a profile was measured on.
 *
 * @param kind              GPU, CPU (host twin: resident memory) or STUB (test-double drivers: never reported)
 * @param name              e.g. "NVIDIA H100 80GB HBM3", or the CPU model
 * @param uuid              GPU UUID, or null
 * @param totalBytes        device memory total (CPU: physical memory)
 * @param driverVersion     NVIDIA driver version, or null
 * @param cudaDriverVersion CUDA version the driver supports (e.g. "13.0"), or null
 * @param cudaRuntimeVersion CUDA runtime loaded (e.g. "13.0"), or null
 * @param nvmlVersion       NVML library version, or null
 */
public record DeviceInfo(Kind kind, String name, String uuid, long totalBytes, String driverVersion,
                         String cudaDriverVersion, String cudaRuntimeVersion, String nvmlVersion) {
    public enum Kind { GPU, CPU, STUB }

    /** @return name lower-cased with runs of non-alphanumerics as '-', e.g. "nvidia-h100-80gb-hbm3" */
    public String slug() {
        String s = name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return kind == Kind.CPU ? "cpu-" + s : s;
    }
}
