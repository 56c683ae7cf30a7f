package dev.gpumem.measure.cuda;

import dev.gpumem.measure.ProbeException;

/** A CUDA runtime call failed: the message names the call, the code, its name and its description. */
public final class CudaException extends ProbeException {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final int code;

    CudaException(String call, int code, String name, String description) {
        super(call + " failed: CUDA error " + code + " " + name + " (" + description + ")");
        this.call = call;
        this.code = code;
    }

    public String call() {
        return call;
    }

    public int code() {
        return code;
    }
}
