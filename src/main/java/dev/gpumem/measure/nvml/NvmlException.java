package dev.gpumem.measure.nvml;

import dev.gpumem.measure.ProbeException;

/** An NVML call returned an error: the message names the call, the code and nvmlErrorString. */
public final class NvmlException extends ProbeException {
    private static final long serialVersionUID = 1L;
    /** NVML_ERROR_NOT_SUPPORTED */
    public static final int NOT_SUPPORTED = 3;
    /** NVML_ERROR_NO_PERMISSION */
    public static final int NO_PERMISSION = 4;
    /** NVML_ERROR_NOT_FOUND */
    public static final int NOT_FOUND = 6;
    /** NVML_ERROR_INSUFFICIENT_SIZE */
    public static final int INSUFFICIENT_SIZE = 7;

    private final String call;
    private final int code;

    NvmlException(String call, int code, String errorString) {
        super(call + " failed: NVML error " + code + " (" + errorString + ")");
        this.call = call;
        this.code = code;
    }

    public String call() {
        return call;
    }

    public int code() {
        return code;
    }

    public boolean notSupported() {
        return code == NOT_SUPPORTED;
    }
}
