package dev.gpumem.measure;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A request to end a run early and keep what it measured so far: set from any thread (the CLI's SIGINT/SIGTERM
 * handler), polled by the runner through {@link RunContext#stopRequested()}. One per run; the first cause wins.
 * Thread-safe.
 */
public final class StopRequest {
    private final AtomicReference<String> cause = new AtomicReference<>();

    /** @param why what asked for the stop, e.g. {@code SIGTERM}; only the first request counts */
    public void request(String why) {
        cause.compareAndSet(null, why);
    }

    /** @return what asked for the stop, or empty while the run may go on */
    public Optional<String> cause() {
        return Optional.ofNullable(cause.get());
    }
}
