package dev.gpumem.measure.nvml;

import dev.gpumem.measure.DeviceUnavailableException;
import org.bytedeco.cuda.global.nvml;
import org.bytedeco.cuda.nvml.nvmlDevice_st;

/**
 * An initialised NVML session: the checked layer over JavaCPP's raw {@code nvml} binding. Every call's return code
 * is checked; a failure throws {@link NvmlException} naming the call, the code and nvmlErrorString. Thread-safe
 * (NVML is). {@link #close()} shuts NVML down.
 */
public final class Nvml implements AutoCloseable {
    private static final int STRING_BUFFER = 96;
    private final NvmlLoader.Route route;
    private volatile boolean closed;

    private Nvml(NvmlLoader.Route route) {
        this.route = route;
    }

    /**
     * Loads the binding and initialises NVML.
     *
     * @throws DeviceUnavailableException when the driver or NVML is missing or will not initialise
     */
    public static Nvml open() {
        NvmlLoader.Route route = NvmlLoader.load();
        int rc = nvml.nvmlInit_v2();
        if (rc != nvml.NVML_SUCCESS) {
            throw new DeviceUnavailableException("NVML did not initialise: nvmlInit_v2 returned " + rc + " ("
                    + errorString(rc) + "); is the NVIDIA driver loaded?");
        }
        return new Nvml(route);
    }

    /** @return true when NVML was loaded without the CUDA runtime (driver-only machine) */
    public boolean driverOnly() {
        return route == NvmlLoader.Route.DRIVER_ONLY;
    }

    static String errorString(int rc) {
        try {
            return nvml.nvmlErrorString(rc).getString();
        } catch (RuntimeException e) {
            return "no error string";
        }
    }

    static void check(int rc, String call) {
        if (rc != nvml.NVML_SUCCESS) {
            throw new NvmlException(call, rc, errorString(rc));
        }
    }

    /** @return number of GPUs NVML sees */
    public int deviceCount() {
        int[] n = new int[1];
        check(nvml.nvmlDeviceGetCount_v2(n), "nvmlDeviceGetCount_v2");
        return n[0];
    }

    /**
     * @throws DeviceUnavailableException when there is no device with that index
     */
    public NvmlDevice device(int index) {
        int count = deviceCount();
        if (index < 0 || index >= count) {
            throw new DeviceUnavailableException("no GPU with index " + index + ": NVML sees " + count
                    + (count == 1 ? " device" : " devices") + (count > 0 ? " (0.." + (count - 1) + ")" : ""));
        }
        nvmlDevice_st handle = new nvmlDevice_st();
        check(nvml.nvmlDeviceGetHandleByIndex_v2(index, handle), "nvmlDeviceGetHandleByIndex_v2");
        return new NvmlDevice(index, handle);
    }

    /** @return the driver version, e.g. "580.65.06" */
    public String driverVersion() {
        byte[] buf = new byte[STRING_BUFFER];
        check(nvml.nvmlSystemGetDriverVersion(buf, buf.length), "nvmlSystemGetDriverVersion");
        return cString(buf);
    }

    /** @return NVML's version, e.g. "13.580.65.06" */
    public String nvmlVersion() {
        byte[] buf = new byte[STRING_BUFFER];
        check(nvml.nvmlSystemGetNVMLVersion(buf, buf.length), "nvmlSystemGetNVMLVersion");
        return cString(buf);
    }

    /** @return the CUDA version the driver supports, e.g. "13.0" */
    public String cudaDriverVersion() {
        int[] v = new int[1];
        check(nvml.nvmlSystemGetCudaDriverVersion(v), "nvmlSystemGetCudaDriverVersion");
        return cudaVersion(v[0]);
    }

    /** @return "13.0" for 13000 (CUDA's 1000 * major + 10 * minor) */
    public static String cudaVersion(int encoded) {
        return (encoded / 1000) + "." + (encoded % 1000) / 10;
    }

    static String cString(byte[] buf) {
        int n = 0;
        while (n < buf.length && buf[n] != 0) {
            n++;
        }
        return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Shuts NVML down; never throws. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            nvml.nvmlShutdown();
        }
    }
}
