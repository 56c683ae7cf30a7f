package dev.gpumem.measure.cuda;

import dev.gpumem.measure.DeviceUnavailableException;
import dev.gpumem.measure.NativeLibraries;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * The checked layer over JavaCPP's raw {@code cudart} binding. Errors that mean the device cannot be used at all
 * (no driver 35, no device 100, bad index 101) become {@link DeviceUnavailableException}; out of memory is a value
 * ({@link #malloc} returns null); anything else is a {@link CudaException}.
 */
public final class CudaRuntime {
    /** cudaErrorMemoryAllocation */
    static final int OUT_OF_MEMORY = 2;
    /** cudaErrorInsufficientDriver */
    static final int INSUFFICIENT_DRIVER = 35;
    /** cudaErrorCallRequiresNewerDriver: what cudart 13.0 answers over a stub or too-old libcuda */
    static final int CALL_REQUIRES_NEWER_DRIVER = 36;
    /** cudaErrorNoDevice */
    static final int NO_DEVICE = 100;
    /** cudaErrorInvalidDevice */
    static final int INVALID_DEVICE = 101;

    private CudaRuntime() {
    }

    /**
     * Loads the binding (libcudart.so.13 and the driver's libcuda.so.1).
     *
     * @throws DeviceUnavailableException naming the missing library
     */
    public static CudaRuntime open() {
        try {
            Class.forName("org.bytedeco.cuda.global.cudart", true, CudaRuntime.class.getClassLoader());
        } catch (LinkageError e) {
            throw new DeviceUnavailableException(NativeLibraries.explain(e), e);
        } catch (ClassNotFoundException e) {
            throw new DeviceUnavailableException("the JavaCPP cuda classes are not on the class path", e);
        }
        return new CudaRuntime();
    }

    void check(int rc, String call) {
        if (rc == 0) {
            return;
        }
        String name = errorName(rc);
        String text = errorString(rc);
        if (rc == INSUFFICIENT_DRIVER || rc == CALL_REQUIRES_NEWER_DRIVER) {
            throw new DeviceUnavailableException("the NVIDIA driver is missing or older than the CUDA runtime: "
                    + call + " returned " + rc + " " + name + " (" + text + ")");
        }
        if (rc == NO_DEVICE) {
            throw new DeviceUnavailableException("no CUDA device: " + call + " returned " + rc + " " + name);
        }
        throw new CudaException(call, rc, name, text);
    }

    private static String errorName(int rc) {
        try {
            return cudart.cudaGetErrorName(rc).getString();
        } catch (RuntimeException e) {
            return "?";
        }
    }

    private static String errorString(int rc) {
        try {
            return cudart.cudaGetErrorString(rc).getString();
        } catch (RuntimeException e) {
            return "no description";
        }
    }

    /** @return cudaRuntimeGetVersion, e.g. 13000 */
    public int runtimeVersion() {
        int[] v = new int[1];
        check(cudart.cudaRuntimeGetVersion(v), "cudaRuntimeGetVersion");
        return v[0];
    }

    /** @return cudaDriverGetVersion (0 when no driver is installed) */
    public int driverVersion() {
        int[] v = new int[1];
        check(cudart.cudaDriverGetVersion(v), "cudaDriverGetVersion");
        return v[0];
    }

    /** @return the number of CUDA devices */
    public int deviceCount() {
        int[] n = new int[1];
        check(cudart.cudaGetDeviceCount(n), "cudaGetDeviceCount");
        return n[0];
    }

    /**
     * @throws DeviceUnavailableException when there is no device with that index
     */
    public void setDevice(int index) {
        int rc = cudart.cudaSetDevice(index);
        if (rc == INVALID_DEVICE) {
            throw new DeviceUnavailableException("no CUDA device with index " + index + " (cudaSetDevice returned "
                    + rc + " " + errorName(rc) + ")");
        }
        check(rc, "cudaSetDevice");
    }

    /** Creates the CUDA context of the current device, if there is none (cudaFree(NULL)). */
    public void initContext() {
        check(cudart.cudaFree(null), "cudaFree(NULL)");
    }

    /** @return device memory of {@code bytes}, or null when the device is out of memory */
    public Pointer malloc(long bytes) {
        Pointer p = new Pointer();
        int rc = cudart.cudaMalloc(p, bytes);
        if (rc == OUT_OF_MEMORY) {
            cudart.cudaGetLastError(); // clears the runtime's last error so that later calls do not report it
            return null;
        }
        check(rc, "cudaMalloc");
        return p;
    }

    public void free(Pointer p) {
        check(cudart.cudaFree(p), "cudaFree");
    }

    public void memset(Pointer p, int value, long bytes) {
        check(cudart.cudaMemset(p, value, bytes), "cudaMemset");
    }

    public void synchronize() {
        check(cudart.cudaDeviceSynchronize(), "cudaDeviceSynchronize");
    }

    /**
     * Device-wide free and total (cudaMemGetInfo). Creates a context if there is none: call it only where the
     * workload holds one.
     *
     * @param free  bytes
     * @param total bytes
     */
    public record MemInfo(long free, long total) {
    }

    public MemInfo memGetInfo() {
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            check(cudart.cudaMemGetInfo(free, total), "cudaMemGetInfo");
            return new MemInfo(free.get(), total.get());
        }
    }
}
