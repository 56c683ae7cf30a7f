package dev.gpumem.measure;

/** A probe or device call failed; the message names the call, the code and the library's error string. */
public class ProbeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ProbeException(String message) {
        super(message);
    }

    public ProbeException(String message, Throwable cause) {
        super(message, cause);
    }
}
