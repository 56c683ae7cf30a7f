package dev.gpumem.compare;

import dev.gpumem.estimate.GpuSpec;
import java.util.List;
import java.util.Objects;

/**
 * Device-level constants of one GPU model, fitted from its real profiles. Applied to an estimate as
 * <pre>
 *   reserved' = reserved · (1 + slackFraction)                   allocator slack the allocator model misses
 *   device    = reserved' + contextBytes                          load phase (no library handle yet)
 *   device    = reserved' + contextBytes + workspaceBytes         every phase that runs kernels
 * </pre>
 * The file form is written and read by {@code io.CalibrationJson}.
 *
 * @param gpuName        device name as NVML reports it (e.g. "NVIDIA H100 80GB HBM3")
 * @param gpuSlug        {@link dev.gpumem.measure.DeviceInfo#slug()} of that name: the file's name
 * @param arch           architecture
 * @param contextBytes   CUDA context (and driver-side module data) of one process, outside the caching allocator
 * @param workspaceBytes library handles and workspaces outside the caching allocator (cuBLAS/cuBLASLt, cuDNN)
 * @param slackFraction  measured reserved over the allocator model's reserved, minus 1 (0 when not identifiable)
 * @param method         how the constants were fitted, one sentence
 * @param sourceProfiles the profiles fitted from (file names)
 * @param residuals      per profile phase: measured device − calibrated device
 * @param driverVersion  driver of the profiles, or null
 * @param toolVersion    gpumem version that fitted it
 * @param gitCommit      commit of the tool that fitted it, or "unknown"
 * @param notes          what could not be identified, one sentence each
 */
public record DeviceCalibration(String gpuName, String gpuSlug, GpuSpec.GpuArch arch, long contextBytes,
                                long workspaceBytes, double slackFraction, String method,
                                List<String> sourceProfiles, List<Residual> residuals, String driverVersion,
                                String toolVersion, String gitCommit, List<String> notes) {
    public DeviceCalibration {
        Objects.requireNonNull(gpuName, "gpu");
        Objects.requireNonNull(gpuSlug, "gpu_slug");
        Objects.requireNonNull(arch, "arch");
        if (contextBytes < 0 || workspaceBytes < 0) {
            throw new IllegalArgumentException("context_bytes and workspace_bytes: must be ≥ 0, got "
                    + contextBytes + " and " + workspaceBytes);
        }
        if (!(slackFraction > -1 && slackFraction < 10)) {
            throw new IllegalArgumentException("slack_fraction: must be in (-1, 10), got " + slackFraction);
        }
        Objects.requireNonNull(method, "method");
        sourceProfiles = List.copyOf(sourceProfiles);
        residuals = List.copyOf(residuals);
        Objects.requireNonNull(toolVersion, "tool_version");
        Objects.requireNonNull(gitCommit, "commit");
        notes = List.copyOf(notes);
    }

    /**
     * @param profile       file name of the profile
     * @param phase         phase wire name
     * @param measuredBytes measured device bytes
     * @param fittedBytes   what the calibrated model gives for that phase
     */
    public record Residual(String profile, String phase, long measuredBytes, long fittedBytes) {
        public long residualBytes() {
            return measuredBytes - fittedBytes;
        }
    }

    /** @return device bytes for a phase with the given estimated reserved bytes */
    public long device(long reservedBytes, boolean runsKernels) {
        long reserved = Math.round(reservedBytes * (1 + slackFraction));
        return reserved + contextBytes + (runsKernels ? workspaceBytes : 0);
    }
}
