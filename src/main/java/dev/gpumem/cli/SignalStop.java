package dev.gpumem.cli;

import dev.gpumem.measure.StopRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM while a measurement runs and its profile is written. The first of them does not end the JVM:
 * it asks the run to stop ({@link StopRequest}), so the workload's processes are ended, the profile of the phases
 * so far is written and its path printed, and gpumem then exits 128 + the signal's number (130 for SIGINT, 143 for
 * SIGTERM). It also puts the JVM's own handlers back, so a second signal ends gpumem at once as usual (the external
 * runner's shutdown hook still ends the child's processes).
 *
 * <p>Why {@code sun.misc.Signal} and not only a shutdown hook: a hook runs once the JVM has already decided to
 * exit, concurrently with every other hook, while the measuring thread goes on; the profile would have to be
 * written from the hook thread racing the measurement, and the measuring thread's own {@code System.exit} would
 * block. A handler lets the measuring thread end the run in order and write the profile itself. The class lives in
 * {@code jdk.unsupported}, which the device bundle's runtime includes. Where a signal cannot be handled (the JVM
 * runs with {@code -Xrs}, or a platform without it) it is left to the JVM: the shutdown hook then still ends the
 * child's processes, but nothing is saved.
 */
final class SignalStop implements AutoCloseable {
    private static final List<String> SIGNALS = List.of("INT", "TERM");

    private final StopRequest stop;
    private final Consumer<String> notices;
    private final Map<Signal, SignalHandler> previous = new LinkedHashMap<>();
    private final AtomicReference<Signal> received = new AtomicReference<>();

    private SignalStop(StopRequest stop, Consumer<String> notices) {
        this.stop = stop;
        this.notices = notices;
    }

    /**
     * @param stop    requested on the first signal
     * @param notices receives the one line that tells the user what happens now
     */
    static SignalStop install(StopRequest stop, Consumer<String> notices) {
        SignalStop s = new SignalStop(stop, notices);
        for (String name : SIGNALS) {
            try {
                Signal sig = new Signal(name);
                s.previous.put(sig, Signal.handle(sig, s::handle));
            } catch (IllegalArgumentException e) {
                // not handleable here (-Xrs, or unknown on this platform): the JVM's default stays
            }
        }
        return s;
    }

    private void handle(Signal sig) {
        if (!received.compareAndSet(null, sig)) {
            return;
        }
        restore();
        String name = "SIG" + sig.getName();
        notices.accept(name + ": stopping the workload and saving what was measured (" + name
                + " again to quit at once)");
        stop.request(name);
    }

    /** @return 128 + the number of the signal that stopped the run, or empty when none came */
    OptionalInt exitCode() {
        Signal s = received.get();
        return s == null ? OptionalInt.empty() : OptionalInt.of(128 + s.getNumber());
    }

    private synchronized void restore() {
        for (Map.Entry<Signal, SignalHandler> e : new ArrayList<>(previous.entrySet())) {
            try {
                Signal.handle(e.getKey(), e.getValue());
            } catch (IllegalArgumentException ex) {
                // as it was
            }
        }
        previous.clear();
    }

    /** Puts the JVM's handlers back (when no signal came). */
    @Override
    public void close() {
        restore();
    }
}
