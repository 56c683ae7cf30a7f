package dev.gpumem.cli;

/** Process exit codes, one meaning each. */
public enum ExitCode {
    /** success */
    OK(0),
    /** a negative verdict: does not fit, or an error above --max-error */
    VERDICT_NEGATIVE(1),
    /** bad input: malformed request, unknown value, missing file */
    BAD_INPUT(2),
    /** no device, driver, runtime or NVML support */
    NO_DEVICE(3),
    /** the measured workload failed or timed out */
    WORKLOAD_FAILED(4),
    /** a bug in gpumem */
    INTERNAL(70),
    /** an environment failure: a file or folder cannot be read or written (I/O, permissions, disk full) */
    IO_FAILURE(74);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }
}
