package dev.gpumem.input;

/**
 * Input the user can fix: a malformed or inconsistent request, model config, safetensors header, profile, samples
 * CSV or calibration file. The message is one sentence naming the file or field and, for closed vocabularies, the
 * accepted values; the CLI prints it and exits 2. Anything else that escapes a command (a plain
 * {@link IllegalArgumentException} or {@link IllegalStateException} included) is a bug in gpumem (exit 70).
 *
 * <p>It extends {@link IllegalArgumentException} so that code which rejects a candidate by catching that (the
 * suggestions' levers, a batch line) keeps working; the CLI tells the two apart by this type.
 */
public class BadInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
