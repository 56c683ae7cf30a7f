package dev.gpumem.measure;

import dev.gpumem.input.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * A background thread that reads a {@link Probe} at a fixed rate and stamps each reading with the phase in
 * progress ({@link PhaseClock#phase()}). Polled figures can miss a spike shorter than the interval, so a peak taken
 * from samples is a lower bound.
 *
 * <p>The achieved rate (reads per second of sampling) is measured and reported in {@link Result}, because the
 * requested one is only an aim: a read costs tens of microseconds (NVML) and the scheduler adds its own slack.
 * When more than {@code capacity} samples accumulate, neighbouring pairs are merged keeping the larger values,
 * so the timeline thins out but no peak is lost.
 */
public final class Sampler {
    /** samples kept before pairs are merged (about 30 minutes at 1 kHz) */
    public static final int DEFAULT_CAPACITY = 2_000_000;
    /** a thread woken late makes up at most this many missed intervals, back to back */
    private static final int CATCH_UP = 10;

    private final Probe probe;
    private final PhaseClock clock;
    private final ProcessTree watched;
    private final long intervalNanos;
    private final int capacity;
    private final List<Sample> samples = new ArrayList<>();
    private volatile boolean running;
    private Thread thread;
    private long reads;
    private long failures;
    private String firstFailure;
    private long startedAt;
    private long stoppedAt;

    /**
     * @param hz requested rate, reads per second (&gt; 0)
     */
    public Sampler(Probe probe, PhaseClock clock, ProcessTree watched, double hz) {
        this(probe, clock, watched, hz, DEFAULT_CAPACITY);
    }

    Sampler(Probe probe, PhaseClock clock, ProcessTree watched, double hz, int capacity) {
        if (!(hz > 0) || Double.isInfinite(hz)) {
            throw new BadInputException("sample-hz: must be a positive number, got " + hz);
        }
        this.probe = probe;
        this.clock = clock;
        this.watched = watched;
        this.intervalNanos = Math.max(1L, (long) (1e9 / hz));
        this.capacity = Math.max(2, capacity);
    }

    /** Starts the thread. */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException("sampler already started");
        }
        running = true;
        thread = new Thread(this::loop, "gpumem-sampler");
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
        thread.start();
    }

    /** Stops the thread, waits for it and returns what it saw. */
    public Result stop() {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            throw new IllegalStateException("sampler not started");
        }
        running = false;
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            double seconds = (stoppedAt - startedAt) / 1e9;
            double hz = seconds > 0 ? reads / seconds : 0;
            return new Result(List.copyOf(samples), hz, reads, failures, firstFailure);
        }
    }

    private void loop() {
        long begin = System.nanoTime();
        synchronized (this) {
            startedAt = begin;
        }
        long next = begin;
        do { // at least one sample, even when the run ends before the thread is first scheduled
            sampleOnce();
            next += intervalNanos;
            long now = System.nanoTime();
            if (next < now - CATCH_UP * intervalNanos) {
                next = now; // far behind (a stall): give up the lost reads rather than burst
            }
            long wait = next - now;
            if (wait > 0 && running) {
                LockSupport.parkNanos(wait);
            }
        } while (running);
        synchronized (this) {
            stoppedAt = System.nanoTime();
        }
    }

    private void sampleOnce() {
        long t = clock.nanos();
        String phase = clock.phase();
        try {
            Reading r = probe.read(t, watched);
            Long proc = r.processUsed();
            add(new Sample(t, phase, r.deviceUsed(), proc == null ? -1 : proc));
        } catch (RuntimeException e) {
            synchronized (this) {
                failures++;
                if (firstFailure == null) {
                    firstFailure = String.valueOf(e.getMessage());
                }
            }
        }
    }

    private synchronized void add(Sample s) {
        reads++;
        samples.add(s);
        if (samples.size() >= capacity) {
            mergePairs(samples);
        }
    }

    /** Halves the list: each neighbouring pair becomes one sample with the pair's larger figures. */
    static void mergePairs(List<Sample> list) {
        List<Sample> merged = new ArrayList<>(list.size() / 2 + 1);
        for (int i = 0; i < list.size(); i += 2) {
            Sample a = list.get(i);
            if (i + 1 == list.size()) {
                merged.add(a);
                break;
            }
            Sample b = list.get(i + 1);
            Sample hi = b.deviceUsed() > a.deviceUsed() ? b : a;
            merged.add(new Sample(hi.tNanos(), hi.phase(), Math.max(a.deviceUsed(), b.deviceUsed()),
                    Math.max(a.processUsed(), b.processUsed())));
        }
        list.clear();
        list.addAll(merged);
    }

    /**
     * What the sampler saw.
     *
     * @param samples    the readings kept, in time order
     * @param achievedHz reads per second actually made
     * @param reads      successful reads
     * @param failures   reads that threw
     * @param firstFailure message of the first failed read, or null
     */
    public record Result(List<Sample> samples, double achievedHz, long reads, long failures, String firstFailure) {
        public Result {
            samples = List.copyOf(samples);
        }
    }
}
