package dev.gpumem.estimate.device;

import dev.gpumem.estimate.GpuSpec.GpuArch;
import dev.gpumem.estimate.Source;
import dev.gpumem.units.ByteFormat;

/**
 * Shipped device constants per GPU class ({@link Source#DEVICE_DEFAULT}). They are defaults, not measurements of
 * this project: a {@link Calibration} fitted from profiles replaces them.
 *
 * <ul>
 *   <li>CUDA context: 500 MiB for every CUDA class. PyTorch maintainers quote about 300 MB with lazy module loading
 *       (CUDA ≥ 11.7, pytorch/pytorch#107667) and 200-700 MB depending on the machine (#28113); with the cuBLAS and
 *       cuDNN handles a training process sits at the upper half of that range, hence 500 MiB. Not fitted to any
 *       validation case.</li>
 *   <li>cuBLAS workspace, one (handle, stream) pair: {@code 4096 KiB·2 + 16 KiB·8} = 8,320 KiB, or 32 MiB on sm90
 *       and later (aten/src/ATen/cuda/CublasHandlePool.cpp, {@code getChosenWorkspaceSize}; Blackwell assumed to
 *       take the sm90 size). It goes through the caching allocator, so it appears in allocated and reserved.</li>
 *   <li>{@link GpuArch#CPU}: host memory, no context and no workspace.</li>
 * </ul>
 */
public final class DeviceDefaults {
    /** default CUDA context size, every CUDA GPU class */
    public static final long CONTEXT_BYTES = 500L * ByteFormat.MIB;
    /** cuBLAS default workspace before sm90: 4096 KiB·2 + 16 KiB·8 */
    public static final long CUBLAS_WORKSPACE_PRE_SM90 = 4096L * 1024 * 2 + 16L * 1024 * 8;
    /** cuBLAS default workspace on sm90 (Hopper) and later */
    public static final long CUBLAS_WORKSPACE_SM90 = 32L * ByteFormat.MIB;

    private DeviceDefaults() {
    }

    /** @return the shipped constants for {@code arch} */
    public static Calibration forArch(GpuArch arch) {
        return switch (arch) {
            case CPU -> new Calibration(arch, 0, 0, 1.0, Source.DEVICE_DEFAULT,
                    "shipped default: host memory, no CUDA context or workspace");
            case HOPPER, BLACKWELL -> new Calibration(arch, CONTEXT_BYTES, CUBLAS_WORKSPACE_SM90, 1.0,
                    Source.DEVICE_DEFAULT, "shipped default: 500 MiB context, 32 MiB cuBLAS workspace (sm90+)");
            case VOLTA, TURING, AMPERE, ADA -> new Calibration(arch, CONTEXT_BYTES, CUBLAS_WORKSPACE_PRE_SM90, 1.0,
                    Source.DEVICE_DEFAULT, "shipped default: 500 MiB context, 8,320 KiB cuBLAS workspace");
        };
    }
}
