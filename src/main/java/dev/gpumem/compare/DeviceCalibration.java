package dev.gpumem.compare;

import dev.gpumem.estimate.GpuSpec;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.device.Calibration;
import dev.gpumem.estimate.device.DeviceDefaults;
import java.util.List;
import java.util.Objects;

/**
 * Device-level constants of one GPU model, fitted from its real profiles. Applied to an estimate's phase as
 * <pre>
 *   reserved' = allocated + allocatorSlackFactor · (reserved − allocated)   the allocator model's gap, rescaled
 *   device    = reserved' + contextBytes                                    load phase (no kernel has run)
 *   device    = reserved' + contextBytes + workspaceBytes                   every phase that runs kernels
 * </pre>
 * workspaceBytes is memory outside the caching allocator that appears once kernels run (cuBLAS/cuBLASLt/cuDNN
 * handles, lazily loaded kernel modules); the cuBLAS workspace that PyTorch allocates through the caching allocator
 * is not in it, since the allocated level already counts it. The file form is written and read by
 * {@code io.CalibrationJson}.
 *
 * @param gpuName        device name as NVML reports it (e.g. "NVIDIA H100 80GB HBM3")
 * @param gpuSlug        {@link dev.gpumem.measure.DeviceInfo#slug()} of that name: the file's name
 * @param arch           architecture
 * @param contextBytes   CUDA context (and driver-side module data) of one process, outside the caching allocator
 * @param workspaceBytes outside-allocator memory added once kernels run (library handles, lazily loaded modules)
 * @param allocatorSlackFactor measured reserved − allocated gap over the allocator model's gap (1 = model as is)
 * @param method         how the constants were fitted, one sentence
 * @param sourceProfiles the profiles fitted from (file names)
 * @param residuals      per profile phase: measured device − calibrated device
 * @param driverVersion  driver of the profiles, or null
 * @param toolVersion    gpumem version that fitted it
 * @param gitCommit      commit of the tool that fitted it, or "unknown"
 * @param notes          what could not be identified, one sentence each
 */
public record DeviceCalibration(String gpuName, String gpuSlug, GpuSpec.GpuArch arch, long contextBytes,
                                long workspaceBytes, double allocatorSlackFactor, String method,
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
        if (!(allocatorSlackFactor >= 0 && allocatorSlackFactor < 100)) {
            throw new IllegalArgumentException("allocator_slack_factor: must be in [0, 100), got "
                    + allocatorSlackFactor);
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

    /**
     * The estimator's form of these constants ({@link Calibration}, which replaces the shipped defaults of the
     * architecture as a whole). The estimator adds one context to every phase, so the outside-allocator library
     * memory joins the context (the peak phases all run kernels); its {@code workspaceBytes} is the cuBLAS workspace
     * inside the caching allocator, which profiles measure through the allocated level and this fit does not
     * touch, so it stays the shipped default of the architecture.
     */
    public Calibration toEstimatorCalibration() {
        return new Calibration(arch, contextBytes + workspaceBytes, DeviceDefaults.forArch(arch).workspaceBytes(),
                Math.max(1.0, allocatorSlackFactor), Source.MEASURED_CALIBRATION,
                "fitted by gpumem calibrate on " + gpuName + " from " + sourceProfiles.size() + " profile(s), tool "
                        + toolVersion + " (" + gitCommit + ")");
    }

    /** @return reserved bytes of a phase with the estimate's allocated and reserved, its gap rescaled */
    public long reserved(long allocatedBytes, long reservedBytes) {
        return allocatedBytes + Math.round(allocatorSlackFactor * (reservedBytes - allocatedBytes));
    }

    /** @return device bytes of a phase with the estimate's allocated and reserved */
    public long device(long allocatedBytes, long reservedBytes, boolean runsKernels) {
        return reserved(allocatedBytes, reservedBytes) + contextBytes + (runsKernels ? workspaceBytes : 0);
    }
}
