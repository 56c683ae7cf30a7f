package dev.gpumem.estimate.device;

import dev.gpumem.estimate.GpuSpec.GpuArch;
import dev.gpumem.estimate.Source;
import dev.gpumem.input.BadInputException;
import java.util.Objects;

/**
 * The device-level constants the estimator adds on top of the caching allocator, for one GPU class: either the
 * shipped defaults ({@link DeviceDefaults}, {@link Source#DEVICE_DEFAULT}) or values fitted from measured profiles
 * ({@link Source#MEASURED_CALIBRATION}), which replace the defaults as a whole.
 *
 * @param arch                 the GPU class the values apply to ({@link GpuArch#CPU}: host memory, no context)
 * @param contextBytes         CUDA context and other memory outside the caching allocator (driver state, loaded
 *                             kernel images, cuBLAS/cuDNN handles): added to reserved to give the device level
 * @param workspaceBytes       cuBLAS workspace per (handle, stream), allocated through the caching allocator at the
 *                             first matmul and kept: counted in the allocated and reserved levels, term
 *                             {@code cublas.workspace}
 * @param allocatorSlackFactor multiplier on the simulated reserved-minus-allocated gap (1.0 = the allocator model as
 *                             is); a calibration may fit it, the defaults never do
 * @param source               {@link Source#DEVICE_DEFAULT}, {@link Source#MEASURED_CALIBRATION}, or
 *                             {@link Source#STATED_ON_REQUEST} when the request states the context (gpu.context_bytes)
 * @param provenance           where the numbers come from: "shipped default" or the profile(s) they were fitted on
 * @param ncclCommunicatorBytes device memory NCCL allocates outside the caching allocator for one communicator
 *                             (its channels' connection buffers), counted once per process group the layout needs
 *                             (device level only); the shipped value is {@link DeviceDefaults#NCCL_COMMUNICATOR_BYTES},
 *                             a default, not a measurement
 */
public record Calibration(GpuArch arch, long contextBytes, long workspaceBytes, double allocatorSlackFactor,
                          Source source, String provenance, long ncclCommunicatorBytes) {
    /** With the shipped NCCL default of {@code arch}. */
    public Calibration(GpuArch arch, long contextBytes, long workspaceBytes, double allocatorSlackFactor,
                       Source source, String provenance) {
        this(arch, contextBytes, workspaceBytes, allocatorSlackFactor, source, provenance,
                DeviceDefaults.ncclCommunicatorBytes(arch));
    }

    public Calibration {
        if (ncclCommunicatorBytes < 0) {
            throw new BadInputException("calibration.nccl_communicator_bytes: must be >= 0, got "
                    + ncclCommunicatorBytes);
        }
        Objects.requireNonNull(arch, "calibration.arch");
        Objects.requireNonNull(source, "calibration.source");
        Objects.requireNonNull(provenance, "calibration.provenance");
        if (contextBytes < 0) {
            throw new BadInputException("calibration.context_bytes: must be >= 0, got " + contextBytes);
        }
        if (workspaceBytes < 0) {
            throw new BadInputException("calibration.workspace_bytes: must be >= 0, got " + workspaceBytes);
        }
        if (!(allocatorSlackFactor >= 1.0) || Double.isInfinite(allocatorSlackFactor)) {
            throw new BadInputException("calibration.allocator_slack_factor: must be a finite number >= 1.0, got "
                    + allocatorSlackFactor);
        }
    }
}
