package dev.gpumem.estimate.device;

import dev.gpumem.estimate.GpuSpec;
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
 *   <li>CUDA context before lazy module loading (a card whose {@code gpu.cuda} is below 11.7): 1,024 MiB. Every
 *       kernel image of the CUDA libraries is loaded at context creation; ptrblck (PyTorch maintainer) quotes
 *       "&gt;1000 MB" without lazy loading against ~300 MB with it (pytorch/pytorch#107667), and #28394 reports
 *       ~1 GB under PyTorch against 320 MB under PyCUDA on one GPU. 1 GiB is the round figure of those reports, not
 *       fitted to any validation case (HF's 2022 V100 / CUDA 11.2 reading of 1,343 MiB is above it).</li>
 *   <li>cuBLAS workspace, one (handle, stream) pair: {@code 4096 KiB·2 + 16 KiB·8} = 8,320 KiB, or 32 MiB on sm90
 *       and later (aten/src/ATen/cuda/CublasHandlePool.cpp, {@code getChosenWorkspaceSize}; Blackwell assumed to
 *       take the sm90 size). It goes through the caching allocator, so it appears in allocated and reserved.</li>
 *   <li>NCCL communicator buffers, per process group (device level, outside the caching allocator): each channel's
 *       connection holds one buffer per protocol, Simple {@code NCCL_BUFFSIZE} 4 MiB, LL 8·512·8·16 B = 512 KiB and
 *       LL128 120·640·8·8 B = 4,800 KiB (NVIDIA/nccl src/init.cc @5067397 computeBuffSizes, DEFAULT_BUFFSIZE,
 *       DEFAULT_LL_BUFFSIZE, DEFAULT_LL128_BUFFSIZE; src/include/device.h NCCL_STEPS 8, NCCL_LL_MAX_NTHREADS 512,
 *       NCCL_LL_LINES_PER_THREAD 8, NCCL_LL128_MAX_NTHREADS 640, NCCL_LL128_ELEMS_PER_THREAD 120): 9,408 KiB a
 *       channel. The number of channels depends on the topology NCCL detects (up to MAXCHANNELS 64), so the
 *       shipped figure assumes 2 channels (one receive connection each), 18.4 MiB a communicator, every CUDA class:
 *       a default, not a measurement; a calibration replaces it.</li>
 *   <li>{@link GpuArch#CPU}: host memory, no context and no workspace.</li>
 * </ul>
 */
public final class DeviceDefaults {
    /** default CUDA context size, every CUDA GPU class */
    public static final long CONTEXT_BYTES = 500L * ByteFormat.MIB;
    /** default CUDA context size before lazy module loading (CUDA &lt; 11.7) */
    public static final long CONTEXT_BYTES_EAGER_LOADING = 1024L * ByteFormat.MIB;
    /** cuBLAS default workspace before sm90: 4096 KiB·2 + 16 KiB·8 */
    public static final long CUBLAS_WORKSPACE_PRE_SM90 = 4096L * 1024 * 2 + 16L * 1024 * 8;
    /** cuBLAS default workspace on sm90 (Hopper) and later */
    public static final long CUBLAS_WORKSPACE_SM90 = 32L * ByteFormat.MIB;

    /** NCCL connection buffers of one channel: Simple 4 MiB + LL 8·512·8·16 B + LL128 120·640·8·8 B */
    public static final long NCCL_CHANNEL_BYTES = (1L << 22) + 8L * 512 * 8 * 16 + 120L * 640 * 8 * 8;
    /** channels per communicator assumed by the shipped default (topology-dependent in NCCL) */
    public static final int NCCL_DEFAULT_CHANNELS = 2;
    /** default NCCL buffers of one communicator: channels · per-channel buffers */
    public static final long NCCL_COMMUNICATOR_BYTES = NCCL_DEFAULT_CHANNELS * NCCL_CHANNEL_BYTES;

    private DeviceDefaults() {
    }

    /** @return whether {@code cal}'s NCCL figure is the shipped default (not a measurement) */
    public static boolean ncclIsDefault(Calibration cal) {
        return cal.ncclCommunicatorBytes() == ncclCommunicatorBytes(cal.arch());
    }

    /** @return the shipped NCCL buffers of one communicator on {@code arch} (none on the CPU) */
    public static long ncclCommunicatorBytes(GpuArch arch) {
        return arch == GpuArch.CPU ? 0 : NCCL_COMMUNICATOR_BYTES;
    }

    /** @return the shipped constants for {@code gpu}: its class's, with the pre-lazy-loading context before CUDA 11.7 */
    public static Calibration forGpu(GpuSpec gpu) {
        Calibration c = forArch(gpu.arch());
        if (gpu.arch() == GpuArch.CPU || gpu.lazyModuleLoading()) {
            return c;
        }
        return new Calibration(c.arch(), CONTEXT_BYTES_EAGER_LOADING, c.workspaceBytes(), c.allocatorSlackFactor(),
                Source.DEVICE_DEFAULT, "shipped default: 1,024 MiB context (CUDA " + gpu.cuda()
                + " < 11.7 loads every module eagerly), " + ByteFormat.mib(c.workspaceBytes()) + " cuBLAS workspace",
                c.ncclCommunicatorBytes());
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
