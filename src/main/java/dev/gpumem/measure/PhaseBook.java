package dev.gpumem.measure;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The phase boundaries of one view of a run (the whole job, or one rank's processes), each with an exact reading
 * taken when it is marked, and the baseline a {@code baseline} mark moves. Turns them and the samples of the same
 * view into {@link PhaseReading}s. Not thread-safe: the owner synchronises.
 */
final class PhaseBook {
    private record Open(String phase, Reading start) {
    }

    record Closed(String phase, Reading start, Reading end, FrameworkCounters counters, Long accountingPeak) {
    }

    private final Probe probe;
    private final PhaseClock clock;
    private final ProcessTree watched;
    private final Consumer<RunEvent> events;
    private final List<Closed> closed = new ArrayList<>();
    private Open open;
    private Reading lastBoundary;
    private Reading markedBaseline;
    private long lastAccounting = -1;

    PhaseBook(Probe probe, PhaseClock clock, ProcessTree watched, Consumer<RunEvent> events) {
        this.probe = Objects.requireNonNull(probe, "probe");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.watched = Objects.requireNonNull(watched, "watched");
        this.events = Objects.requireNonNull(events, "events");
    }

    /** Starts the book at {@code baseline} (read by the owner). */
    void start(Reading baseline) {
        lastBoundary = baseline;
        lastAccounting = probe.accountingPeak(watched).orElse(-1);
    }

    Reading read() {
        return probe.read(clock.nanos(), watched);
    }

    void begin(String phase) {
        Objects.requireNonNull(phase, "phase");
        if (open != null) {
            close(open, FrameworkCounters.NONE);
        }
        Reading start = read();
        open = new Open(phase, start);
        lastBoundary = start;
        clock.enter(phase);
    }

    void end(String phase, FrameworkCounters counters) {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(counters, "counters");
        if (open != null && open.phase().equals(phase)) {
            close(open, counters);
            return;
        }
        if (open != null) {
            events.accept(new RunEvent(RunEvent.Kind.NOTE, phase, "phase " + open.phase()
                    + " was still open when " + phase + " ended; its interval is recorded as " + phase, null));
        }
        Reading start = open != null ? open.start() : lastBoundary;
        close(new Open(phase, start), counters);
    }

    /**
     * A baseline mark: what the view holds now (interpreter, imports, runtime) is not the workload's. A phase still
     * open is closed first; the next end-only phase starts here.
     */
    Reading markBaseline() {
        if (open != null) {
            close(open, FrameworkCounters.NONE);
        }
        Reading now = read();
        markedBaseline = now;
        lastBoundary = now;
        clock.enter(PhaseClock.UNMARKED);
        return now;
    }

    /** @return the reading of the last baseline mark, or null when none was made */
    Reading markedBaseline() {
        return markedBaseline;
    }

    /**
     * Closes what is open; a view that marked nothing gets one {@value PhaseClock#UNMARKED} phase from {@code from}.
     *
     * @return the phase that was still open (cut short when the run was stopped), or null
     */
    String finish(Reading from) {
        String cutShort = null;
        if (open != null) {
            cutShort = open.phase();
            close(open, FrameworkCounters.NONE);
        }
        if (closed.isEmpty()) {
            closed.add(new Closed(PhaseClock.UNMARKED, from, read(), FrameworkCounters.NONE, accountingRise()));
        }
        return cutShort;
    }

    private void close(Open o, FrameworkCounters counters) {
        Reading raw = read();
        Reading end = new Reading(raw.tNanos(), raw.deviceUsed(), raw.deviceUsedV1(), raw.deviceReserved(),
                raw.processUsed(), counters.allocated() != null ? counters.allocated() : raw.frameworkAllocated(),
                counters.reserved() != null ? counters.reserved() : raw.frameworkReserved());
        closed.add(new Closed(o.phase(), o.start(), end, counters, accountingRise()));
        open = null;
        lastBoundary = end;
        clock.enter(PhaseClock.UNMARKED);
    }

    /** @return the accounting peak if it rose since the previous boundary (then the peak fell in this interval) */
    private Long accountingRise() {
        OptionalLong now = probe.accountingPeak(watched);
        if (now.isEmpty()) {
            return null;
        }
        long v = now.getAsLong();
        Long rise = v > lastAccounting ? v : null;
        lastAccounting = Math.max(lastAccounting, v);
        return rise;
    }

    /** Assigns each sample to the closed phase whose interval holds it (end-only markers are learnt late). */
    List<Sample> restamp(List<Sample> samples) {
        List<Sample> out = new ArrayList<>(samples.size());
        int k = 0;
        for (Sample s : samples) {
            while (k < closed.size() && closed.get(k).end().tNanos() < s.tNanos()) {
                k++;
            }
            String phase = s.phase();
            if (k < closed.size() && closed.get(k).start().tNanos() <= s.tNanos()) {
                phase = closed.get(k).phase();
            }
            out.add(phase.equals(s.phase()) ? s : new Sample(s.tNanos(), phase, s.deviceUsed(), s.processUsed()));
        }
        return out;
    }

    /** @return how many phases this view closed */
    int size() {
        return closed.size();
    }

    List<PhaseReading> phases(List<Sample> samples) {
        List<PhaseReading> out = new ArrayList<>();
        for (Closed c : closed) {
            out.add(phaseReading(c, samples));
        }
        return out;
    }

    private static PhaseReading phaseReading(Closed c, List<Sample> samples) {
        long peakDevice = Math.max(c.start().deviceUsed(), c.end().deviceUsed());
        long peakProcess = Math.max(orMinus(c.start().processUsed()), orMinus(c.end().processUsed()));
        int n = 0;
        for (Sample s : samples) {
            if (s.tNanos() >= c.start().tNanos() && s.tNanos() <= c.end().tNanos()) {
                n++;
                peakDevice = Math.max(peakDevice, s.deviceUsed());
                peakProcess = Math.max(peakProcess, s.processUsed());
            }
        }
        PhaseReading.PeakKind kind = PhaseReading.PeakKind.POLLED_LOWER_BOUND;
        Long process = peakProcess >= 0 ? peakProcess : null;
        if (c.accountingPeak() != null) {
            kind = PhaseReading.PeakKind.ACCOUNTING;
            process = c.accountingPeak();
        }
        return new PhaseReading(c.phase(), c.start(), c.end(), peakDevice, process, kind,
                c.counters().peakAllocated(), c.counters().peakReserved(), n);
    }

    private static long orMinus(Long v) {
        return v == null ? -1 : v;
    }
}
