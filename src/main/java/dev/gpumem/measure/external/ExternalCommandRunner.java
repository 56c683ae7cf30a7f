package dev.gpumem.measure.external;

import dev.gpumem.input.BadInputException;
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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command as a child process and follows it: per-process memory of the child and its descendants (the
 * harness's probe does the reading once {@link RunContext#watch} is called), stdout and stderr captured to files,
 * phase markers read from the file named in {@value #MARKERS_ENV} (docs/markers.md), a timeout and a stop request
 * (SIGINT/SIGTERM to gpumem) that end the child's whole process tree.
 *
 * <p>The child runs under {@code setsid} (its own session and process group) with {@value #RUN_ID_ENV} in its
 * environment, so that every process it starts is found again ({@link RunProcesses}) even after it re-parents to
 * init. Ending the run means SIGTERM to all of them, then SIGKILL after {@value #KILL_GRACE_MILLIS} ms to those
 * left. When the child ends by itself, processes it left behind are ended the same way. Every process that outlived
 * the command, or had to be killed with SIGKILL, is a {@code process_killed} event. Should gpumem itself exit
 * while the child runs (a second signal, SIGHUP), a shutdown hook ends the run's processes.
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
    /** environment variable carrying a value unique to one run, by which the run's processes are found */
    public static final String RUN_ID_ENV = "GPUMEM_RUN_ID";
    /** environment variable naming the request gpumem measures against (written before the child starts) */
    public static final String REQUEST_ENV = "GPUMEM_REQUEST";
    static final long POLL_MILLIS = 5;
    static final long KILL_GRACE_MILLIS = 2000;
    private static final Duration KILL_GRACE = Duration.ofMillis(KILL_GRACE_MILLIS);
    /** at JVM exit the hook has less time: the user asked twice */
    private static final Duration EXIT_GRACE = Duration.ofMillis(500);

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
            throw new BadInputException("command: give the command to measure after '--'");
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
        Optional<String> early = ctx.stopRequested();
        if (early.isPresent()) {
            // stopped before the command started: nothing to end
            return new RunOutcome.Interrupted(early.get());
        }
        Process child;
        String runId = UUID.randomUUID().toString();
        try {
            Files.createDirectories(workDir);
            Files.deleteIfExists(markersFile());
            ProcessBuilder pb = new ProcessBuilder()
                    .redirectOutput(stdoutFile().toFile())
                    .redirectError(stderrFile().toFile());
            pb.environment().put(MARKERS_ENV, markersFile().toAbsolutePath().toString());
            if (cpuTwin) {
                pb.environment().put("MALLOC_MMAP_THRESHOLD_", "65536");
            }
            pb.environment().putAll(extraEnv);
            pb.environment().put(RUN_ID_ENV, runId);
            Optional<String> missing = Executables.whyNotRunnable(command.get(0), pb.environment().get("PATH"));
            if (missing.isPresent()) {
                return new RunOutcome.ChildFailed(-1, "cannot start '" + command.get(0) + "': " + missing.get());
            }
            Optional<Path> setsid = Executables.find("setsid", pb.environment().get("PATH"));
            List<String> argv = new ArrayList<>();
            if (setsid.isPresent()) {
                argv.add(setsid.get().toString());
                argv.add("--");
            } else {
                ctx.event(new RunEvent(RunEvent.Kind.NOTE, null, "setsid not found: the command runs in gpumem's "
                        + "process group; its processes are found as descendants and by " + RUN_ID_ENV, null));
            }
            argv.addAll(command);
            child = pb.command(argv).start();
        } catch (IOException e) {
            return new RunOutcome.ChildFailed(-1, "cannot start '" + command.get(0) + "': " + e.getMessage());
        }
        RunProcesses processes = new RunProcesses(child.pid(), runId);
        Thread atExit = new Thread(() -> processes.stop(EXIT_GRACE), "gpumem-end-child-at-exit");
        Runtime.getRuntime().addShutdownHook(atExit);
        try {
            return follow(child, processes, ctx);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(atExit);
            } catch (IllegalStateException e) {
                // the JVM is exiting: the hook runs
            }
        }
    }

    private RunOutcome follow(Process child, RunProcesses processes, RunContext ctx) throws InterruptedException {
        ctx.watch(child.toHandle());
        MarkerTail tail = new MarkerTail(markersFile());
        long deadline = ctx.timeout().map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
        try {
            while (!child.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                apply(tail.drain(false), ctx);
                Optional<String> stop = ctx.stopRequested();
                if (stop.isPresent()) {
                    record(processes.stop(KILL_GRACE), ctx, End.STOPPED);
                    apply(tail.drain(true), ctx);
                    return new RunOutcome.Interrupted(stop.get());
                }
                if (System.nanoTime() - deadline >= 0) {
                    record(processes.stop(KILL_GRACE), ctx, End.STOPPED);
                    apply(tail.drain(true), ctx);
                    return new RunOutcome.TimedOut(ctx.timeout().orElseThrow());
                }
            }
            apply(tail.drain(true), ctx);
        } catch (IOException e) {
            record(processes.stop(KILL_GRACE), ctx, End.STOPPED);
            throw new UncheckedIOException("reading markers " + markersFile() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            record(processes.stop(KILL_GRACE), ctx, End.STOPPED);
            throw e;
        }
        // the command ended: whatever it left running is ended too
        record(processes.stop(KILL_GRACE), ctx, End.OUTLIVED);
        int status = child.exitValue();
        if (status == 127 && lastLines(stderrFile(), 1).stream().anyMatch(l -> l.startsWith("setsid: "))) {
            return new RunOutcome.ChildFailed(-1, "cannot start '" + command.get(0) + "': "
                    + lastLines(stderrFile(), 1).get(0));
        }
        if (status != 0) {
            return new RunOutcome.ChildFailed(status, "command exited with status " + status
                    + (status > 128 ? " (signal " + (status - 128) + ")" : ""));
        }
        return new RunOutcome.Completed();
    }

    /** Why processes were ended: the run was stopped (timeout, signal), or they outlived the command. */
    private enum End { STOPPED, OUTLIVED }

    /** One {@code process_killed} event per process that outlived the command or needed SIGKILL. */
    private static void record(RunProcesses.Stopped stopped, RunContext ctx, End end) {
        if (end == End.OUTLIVED) {
            for (RunProcesses.Proc p : stopped.ended()) {
                ctx.event(new RunEvent(RunEvent.Kind.PROCESS_KILLED, ctx.currentPhase(), "process " + p
                        + " outlived the command and was ended with SIGTERM", null));
            }
        }
        for (RunProcesses.Proc p : stopped.killed()) {
            ctx.event(new RunEvent(RunEvent.Kind.PROCESS_KILLED, ctx.currentPhase(), "process " + p
                    + (end == End.OUTLIVED ? " outlived the command, " : " ")
                    + "ignored SIGTERM for " + KILL_GRACE_MILLIS / 1000.0 + " s and was killed with SIGKILL", null));
        }
    }

    private static void apply(List<MarkerTail.Line> lines, RunContext ctx) {
        MarkerDispatch.apply(lines, ctx);
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
