package dev.gpumem.measure;

import dev.gpumem.estimate.RunConfig;
import dev.gpumem.units.ByteFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The harness: runs one {@link Runner} with a {@link Sampler} on a {@link Probe} and turns what happened into a
 * {@link Profile}. It implements the {@link RunContext} the runner marks phases through. One session, one run.
 *
 * <p>Per phase it records an exact reading at entry and exit (taken when the runner calls, after the runner
 * synchronised the device), the highest polled sample (a lower bound), the driver's accounting peak where it
 * exists and rose during the phase (exact), and the framework counters the runner reports.
 */
public final class MeasurementSession implements RunContext {

    /**
     * What the run is, for the profile's header.
     *
     * @param toolVersion gpumem version
     * @param gitCommit   commit of gpumem's source, or "unknown"
     * @param host        host name
     * @param request     the estimate request the workload follows, or null
     * @param command     the external command line, or null
     * @param sampleHz    requested sample rate
     * @param timeout     time limit for the workload, or null
     */
    public record Setup(String toolVersion, String gitCommit, String host, RunConfig request, List<String> command,
                        double sampleHz, Duration timeout) {
        public Setup {
            Objects.requireNonNull(toolVersion, "toolVersion");
            Objects.requireNonNull(gitCommit, "gitCommit");
            Objects.requireNonNull(host, "host");
            command = command == null ? null : List.copyOf(command);
        }
    }

    /**
     * A finished run.
     *
     * @param profile what was measured
     * @param outcome how the workload ended
     */
    public record Measurement(Profile profile, RunOutcome outcome) {
    }

    private record Open(String phase, Reading start) {
    }

    private record Closed(String phase, Reading start, Reading end, FrameworkCounters counters,
                          Long accountingPeak) {
    }

    private final Probe probe;
    private final Setup setup;
    private final StopRequest stop;
    private final PhaseClock clock = new PhaseClock();
    private volatile ProcessTree watched = ProcessTree.none();
    private final List<Closed> closed = new ArrayList<>();
    private final List<RunEvent> events = new ArrayList<>();
    private Open open;
    private Reading lastBoundary;
    private long lastAccounting = -1;
    private boolean used;

    public MeasurementSession(Probe probe, Setup setup) {
        this(probe, setup, new StopRequest());
    }

    /** @param stop a stop the runner honours (SIGINT/SIGTERM): the run then ends {@link RunOutcome.Interrupted} */
    public MeasurementSession(Probe probe, Setup setup, StopRequest stop) {
        this.probe = Objects.requireNonNull(probe, "probe");
        this.setup = Objects.requireNonNull(setup, "setup");
        this.stop = Objects.requireNonNull(stop, "stop");
    }

    /**
     * Prepares the runner, reads the baseline, runs the workload under the sampler and builds the profile.
     *
     * @throws DeviceUnavailableException when the device cannot be used
     * @throws InterruptedException       when interrupted (the runner has freed what it held)
     */
    public Measurement run(Runner runner) throws InterruptedException {
        synchronized (this) {
            if (used) {
                throw new IllegalStateException("a session runs one workload");
            }
            used = true;
        }
        String startedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        watched = runner.inProcess() ? ProcessTree.self() : ProcessTree.none();
        runner.prepare();
        Reading baseline = probe.read(clock.nanos(), watched);
        lastBoundary = baseline;
        lastAccounting = probe.accountingPeak(watched).orElse(-1);
        events.addAll(probe.foreignProcesses(watched));
        Sampler sampler = new Sampler(probe, clock, watched, setup.sampleHz());
        sampler.start();
        RunOutcome outcome;
        Sampler.Result sampled;
        String cutShort = null;
        try {
            outcome = runner.run(this);
        } finally {
            synchronized (this) {
                if (open != null) {
                    cutShort = open.phase();
                    close(open, FrameworkCounters.NONE);
                }
                if (closed.isEmpty()) {
                    Reading end = probe.read(clock.nanos(), watched);
                    closed.add(new Closed(PhaseClock.UNMARKED, baseline, end, FrameworkCounters.NONE,
                            accountingRise()));
                }
            }
            sampled = sampler.stop();
        }
        synchronized (this) {
            events.add(rateEvent(sampled));
            if (sampled.failures() > 0) {
                events.add(new RunEvent(RunEvent.Kind.PROBE_UNAVAILABLE, null, sampled.failures()
                        + " sample reads failed; first: " + sampled.firstFailure(), null));
            }
            events.addAll(outcomeEvents(outcome, cutShort, closed.size()));
            if (!(outcome instanceof RunOutcome.Interrupted) && stop.cause().isPresent()) {
                events.add(new RunEvent(RunEvent.Kind.NOTE, null, stop.cause().get() + " arrived during the run; this "
                        + "runner could not stop early, so the workload ran to its end", null));
            }
            List<Sample> samples = restamp(sampled.samples());
            List<PhaseReading> phases = new ArrayList<>();
            for (Closed c : closed) {
                phases.add(phaseReading(c, samples));
            }
            Provenance provenance = new Provenance(setup.toolVersion(), setup.gitCommit(), setup.host(), startedAt,
                    runner.name(), probe.device(), System.getProperty("java.version"));
            Profile profile = new Profile(Profile.SCHEMA_VERSION, provenance, setup.request(), setup.command(),
                    baseline, phases, samples, sampled.achievedHz(), events);
            return new Measurement(profile, outcome);
        }
    }

    @Override
    public synchronized void beginPhase(String phase) {
        Objects.requireNonNull(phase, "phase");
        if (open != null) {
            close(open, FrameworkCounters.NONE);
        }
        Reading start = probe.read(clock.nanos(), watched);
        open = new Open(phase, start);
        lastBoundary = start;
        clock.enter(phase);
    }

    @Override
    public synchronized void endPhase(String phase, FrameworkCounters counters) {
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(counters, "counters");
        if (open != null && open.phase().equals(phase)) {
            close(open, counters);
            return;
        }
        if (open != null) {
            events.add(new RunEvent(RunEvent.Kind.NOTE, phase, "phase " + open.phase()
                    + " was still open when " + phase + " ended; its interval is recorded as " + phase, null));
        }
        Reading start = open != null ? open.start() : lastBoundary;
        close(new Open(phase, start), counters);
    }

    private void close(Open o, FrameworkCounters counters) {
        Reading raw = probe.read(clock.nanos(), watched);
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

    @Override
    public String currentPhase() {
        return clock.phase();
    }

    @Override
    public synchronized void event(RunEvent event) {
        events.add(Objects.requireNonNull(event, "event"));
    }

    @Override
    public void watch(ProcessHandle process) {
        watched.watch(process);
    }

    @Override
    public long nanos() {
        return clock.nanos();
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.ofNullable(setup.timeout());
    }

    /** Assigns each sample to the closed phase whose interval holds it (end-only markers are learnt late). */
    private List<Sample> restamp(List<Sample> samples) {
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

    private RunEvent rateEvent(Sampler.Result r) {
        return new RunEvent(RunEvent.Kind.SAMPLE_RATE, null, String.format(Locale.ROOT,
                "sampled at %.0f Hz (requested %.0f Hz, %d reads); polled peaks are lower bounds",
                r.achievedHz(), setup.sampleHz(), r.reads()), null);
    }

    @Override
    public Optional<String> stopRequested() {
        return stop.cause();
    }

    private static List<RunEvent> outcomeEvents(RunOutcome outcome, String cutShort, int phases) {
        if (outcome instanceof RunOutcome.Interrupted i) {
            return List.of(new RunEvent(RunEvent.Kind.INTERRUPTED, cutShort, "interrupted by " + i.cause()
                    + (cutShort != null ? " in phase " + cutShort + " (cut short at the stop)" : " between phases")
                    + "; the " + phases + " phase" + (phases == 1 ? "" : "s") + " measured so far are kept", null));
        }
        if (outcome instanceof RunOutcome.OutOfMemory oom) {
            return List.of(new RunEvent(RunEvent.Kind.OUT_OF_MEMORY, oom.phase(), "out of memory in phase "
                    + oom.phase() + ": " + ByteFormat.mib(oom.requestedBytes()) + " requested, "
                    + (oom.freeBytes() >= 0 ? ByteFormat.mib(oom.freeBytes()) + " free" : "free bytes unknown"),
                    oom.requestedBytes()));
        }
        if (outcome instanceof RunOutcome.ChildFailed f) {
            return List.of(new RunEvent(RunEvent.Kind.CHILD_FAILED, null, f.message(), null));
        }
        if (outcome instanceof RunOutcome.TimedOut t) {
            return List.of(new RunEvent(RunEvent.Kind.TIMED_OUT, null,
                    "killed after the timeout of " + t.limit().toMillis() / 1000.0 + " s", null));
        }
        return List.of();
    }
}
