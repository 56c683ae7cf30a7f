package dev.gpumem.measure;

/**
 * The device cannot be used at all: no driver, no CUDA runtime, NVML not supported, no device with that index.
 * The message is one sentence saying what is missing; the CLI prints it and exits with code 3.
 */
public final class DeviceUnavailableException extends ProbeException {
    private static final long serialVersionUID = 1L;

    public DeviceUnavailableException(String message) {
        super(message);
    }

    public DeviceUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
