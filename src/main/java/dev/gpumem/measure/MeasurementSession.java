package dev.gpumem.measure;

import dev.gpumem.estimate.RunConfig;
import dev.gpumem.units.ByteFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

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

    /** One rank's view: its processes, its own clock (same origin), phases and sampler. */
    private record RankView(int rank, long pid, ProcessTree tree, Probe probe, PhaseBook book, Sampler sampler,
                            Reading baseline) {
    }

    private final Probe probe;
    private final Setup setup;
    private final StopRequest stop;
    private final PhaseClock clock = new PhaseClock();
    private volatile ProcessTree watched = ProcessTree.none();
    private final List<RunEvent> events = new ArrayList<>();
    private final Map<Integer, RankView> ranks = new TreeMap<>();
    private PhaseBook book;
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
        synchronized (this) {
            book = new PhaseBook(probe, clock, watched, events::add);
            book.start(baseline);
        }
        events.addAll(probe.foreignProcesses(watched));
        Sampler sampler = new Sampler(probe, clock, watched, setup.sampleHz());
        sampler.start();
        // ranks found by RANK in a child's environment, as markers with rank= find them
        RankDiscovery discovery = runner.inProcess() ? null : new RankDiscovery(watched, this::rank);
        if (discovery != null) {
            discovery.start();
        }
        RunOutcome outcome;
        Sampler.Result sampled;
        String cutShort = null;
        List<RankReading> rankReadings;
        try {
            outcome = runner.run(this);
        } finally {
            if (discovery != null) {
                discovery.stop();
            }
            synchronized (this) {
                cutShort = book.finish(baseline);
            }
            sampled = sampler.stop();
            rankReadings = finishRanks();
        }
        synchronized (this) {
            events.add(rateEvent(sampled));
            if (sampled.failures() > 0) {
                events.add(new RunEvent(RunEvent.Kind.PROBE_UNAVAILABLE, null, sampled.failures()
                        + " sample reads failed; first: " + sampled.firstFailure(), null));
            }
            events.addAll(outcomeEvents(outcome, cutShort, book.size()));
            if (!(outcome instanceof RunOutcome.Interrupted) && stop.cause().isPresent()) {
                events.add(new RunEvent(RunEvent.Kind.NOTE, null, stop.cause().get() + " arrived during the run; this "
                        + "runner could not stop early, so the workload ran to its end", null));
            }
            List<Sample> samples = book.restamp(sampled.samples());
            List<PhaseReading> phases = book.phases(samples);
            Provenance provenance = new Provenance(setup.toolVersion(), setup.gitCommit(), setup.host(), startedAt,
                    runner.name(), probe.device(), System.getProperty("java.version"));
            Profile profile = new Profile(Profile.SCHEMA_VERSION, provenance, setup.request(), setup.command(),
                    baseline, book.markedBaseline(), phases, samples, sampled.achievedHz(), events, rankReadings,
                    probe.devicePeaks());
            return new Measurement(profile, outcome);
        }
    }

    @Override
    public synchronized void beginPhase(String phase) {
        book.begin(phase);
    }

    @Override
    public synchronized void endPhase(String phase, FrameworkCounters counters) {
        book.end(phase, counters);
    }

    @Override
    public synchronized void markBaseline() {
        book.markBaseline();
    }

    @Override
    public synchronized RankMarks rank(int rank, long pid) {
        RankView view = ranks.get(rank);
        if (view == null) {
            java.util.Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty()) {
                events.add(new RunEvent(RunEvent.Kind.NOTE, null, "rank " + rank + " (pid " + pid
                        + ") had ended before gpumem read its first marker; its markers are ignored", null));
                return IGNORED;
            }
            ProcessTree tree = ProcessTree.of(handle.get());
            PhaseClock rankClock = new PhaseClock(clock);
            Probe rankProbe = probe.forRank(tree);
            PhaseBook rankBook = new PhaseBook(rankProbe, rankClock, tree, events::add);
            Reading first = rankBook.read();
            rankBook.start(first);
            Sampler rankSampler = new Sampler(rankProbe, rankClock, tree, setup.sampleHz());
            rankSampler.start();
            view = new RankView(rank, pid, tree, rankProbe, rankBook, rankSampler, first);
            ranks.put(rank, view);
        } else if (view.pid() != pid) {
            events.add(new RunEvent(RunEvent.Kind.NOTE, null, "rank " + rank + " wrote markers from pid " + pid
                    + " and pid " + view.pid() + "; they are kept as pid " + view.pid() + "'s", null));
        }
        PhaseBook rankBook = view.book();
        return new RankMarks() {
            @Override
            public void beginPhase(String phase) {
                synchronized (MeasurementSession.this) {
                    rankBook.begin(phase);
                }
            }

            @Override
            public void endPhase(String phase, FrameworkCounters counters) {
                synchronized (MeasurementSession.this) {
                    rankBook.end(phase, counters);
                }
            }

            @Override
            public void markBaseline() {
                synchronized (MeasurementSession.this) {
                    rankBook.markBaseline();
                }
            }
        };
    }

    private static final RankMarks IGNORED = new RankMarks() {
        @Override
        public void beginPhase(String phase) {
        }

        @Override
        public void endPhase(String phase, FrameworkCounters counters) {
        }

        @Override
        public void markBaseline() {
        }
    };

    /** Closes every rank's phases, stops its sampler and builds its reading. */
    private List<RankReading> finishRanks() {
        List<RankView> views;
        synchronized (this) {
            views = List.copyOf(ranks.values());
            for (RankView v : views) {
                v.book().finish(v.baseline());
            }
        }
        List<RankReading> out = new ArrayList<>();
        for (RankView v : views) {
            Sampler.Result r = v.sampler().stop();
            synchronized (this) {
                List<Sample> samples = v.book().restamp(r.samples());
                List<PhaseReading> phases = v.book().phases(samples);
                out.add(new RankReading(v.rank(), v.pid(), v.baseline(), v.book().markedBaseline(), phases,
                        RunPeak.of(v.baseline(), phases, samples), samples.size(), v.probe().deviceIndex()));
            }
        }
        return out;
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
