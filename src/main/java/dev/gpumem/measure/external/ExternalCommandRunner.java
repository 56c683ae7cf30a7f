package dev.gpumem.measure.external;

import dev.gpumem.measure.RunContext;
import dev.gpumem.measure.RunEvent;
import dev.gpumem.measure.RunOutcome;
import dev.gpumem.measure.Runner;
import dev.gpumem.measure.RunnerKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command as a child process and follows it: per-process memory of the child and its descendants (the
 * harness's probe does the reading once {@link RunContext#watch} is called), stdout and stderr captured to files,
 * phase markers read from the file named in {@value #MARKERS_ENV} (docs/markers.md), a timeout that kills the
 * child's whole process tree.
 *
 * <p>Markers turn into phase boundaries as they are read, every {@value #POLL_MILLIS} ms, so a boundary's exact
 * reading is taken up to that long after the child wrote the line. Without markers the run is one phase: the
 * timeline and the peak.
 *
 * <p>On the CPU twin the child gets {@code MALLOC_MMAP_THRESHOLD_=65536}, so that freed tensors go back to the OS
 * and its resident set follows its live memory.
 */
public final class ExternalCommandRunner implements Runner {
    /** environment variable naming the markers file */
    public static final String MARKERS_ENV = "GPUMEM_MARKERS";
    /** environment variable naming the request gpumem measures against (written before the child starts) */
    public static final String REQUEST_ENV = "GPUMEM_REQUEST";
    static final long POLL_MILLIS = 5;
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);

    private final List<String> command;
    private final Path workDir;
    private final boolean cpuTwin;
    private final Map<String, String> extraEnv;

    /**
     * @param command  the command and its arguments
     * @param workDir  folder for stdout.txt, stderr.txt and markers.txt (created)
     * @param cpuTwin  true when measured on the CPU (pins glibc's mmap threshold in the child)
     * @param extraEnv more environment for the child
     */
    public ExternalCommandRunner(List<String> command, Path workDir, boolean cpuTwin, Map<String, String> extraEnv) {
        this.command = List.copyOf(command);
        if (this.command.isEmpty()) {
            throw new IllegalArgumentException("command: give the command to measure after '--'");
        }
        this.workDir = Objects.requireNonNull(workDir, "workDir");
        this.cpuTwin = cpuTwin;
        this.extraEnv = Map.copyOf(extraEnv);
    }

    public Path stdoutFile() {
        return workDir.resolve("stdout.txt");
    }

    public Path stderrFile() {
        return workDir.resolve("stderr.txt");
    }

    public Path markersFile() {
        return workDir.resolve("markers.txt");
    }

    @Override
    public String name() {
        return RunnerKind.EXTERNAL.wire();
    }

    @Override
    public boolean inProcess() {
        return false;
    }

    @Override
    public RunOutcome run(RunContext ctx) throws InterruptedException {
        Process child;
        try {
            Files.createDirectories(workDir);
            Files.deleteIfExists(markersFile());
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectOutput(stdoutFile().toFile())
                    .redirectError(stderrFile().toFile());
            pb.environment().put(MARKERS_ENV, markersFile().toAbsolutePath().toString());
            if (cpuTwin) {
                pb.environment().put("MALLOC_MMAP_THRESHOLD_", "65536");
            }
            pb.environment().putAll(extraEnv);
            child = pb.start();
        } catch (IOException e) {
            return new RunOutcome.ChildFailed(-1, "cannot start '" + command.get(0) + "': " + e.getMessage());
        }
        ctx.watch(child.toHandle());
        MarkerTail tail = new MarkerTail(markersFile());
        long deadline = ctx.timeout().map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
        try {
            while (!child.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                apply(tail.drain(false), ctx);
                if (System.nanoTime() - deadline >= 0) {
                    killTree(child);
                    apply(tail.drain(true), ctx);
                    return new RunOutcome.TimedOut(ctx.timeout().orElseThrow());
                }
            }
            apply(tail.drain(true), ctx);
        } catch (IOException e) {
            killTree(child);
            throw new UncheckedIOException("reading markers " + markersFile() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            killTree(child);
            throw e;
        }
        int status = child.exitValue();
        if (status != 0) {
            return new RunOutcome.ChildFailed(status, "command exited with status " + status
                    + (status > 128 ? " (signal " + (status - 128) + ")" : ""));
        }
        return new RunOutcome.Completed();
    }

    private static void apply(List<MarkerTail.Line> lines, RunContext ctx) {
        MarkerDispatch.apply(lines, ctx);
    }

    /** Ends the child and every descendant: SIGTERM, then SIGKILL after a grace period. */
    static void killTree(Process child) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(child.descendants().toList());
        tree.add(child.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long until = System.nanoTime() + KILL_GRACE.toNanos();
        for (ProcessHandle h : tree) {
            long left = until - System.nanoTime();
            if (left > 0) {
                try {
                    h.onExit().get(left, TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // still alive: forced below
                }
            }
        }
        for (ProcessHandle h : child.descendants().toList()) {
            h.destroyForcibly();
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        child.waitFor(KILL_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** @return the last {@code n} lines of a captured output file (empty when it does not exist) */
    public static List<String> lastLines(Path file, int n) {
        try {
            if (!Files.exists(file)) {
                return List.of();
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return List.copyOf(all.subList(Math.max(0, all.size() - n), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
    }
}
