package dev.gpumem.measure.external;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Every live process of one external run, found in /proc: the child, its descendants, every process in the
 * child's process group or session (the child runs under {@code setsid}, so a grandchild that re-parented to init
 * is still found), and every process whose environment carries the run's {@value ExternalCommandRunner#RUN_ID_ENV}
 * (found even after it started a session of its own). Zombies are dead and not listed. This JVM never is.
 *
 * <p>A process group or session id is the pid of the process that made it, and Linux does not reuse a pid while a
 * group or session still carries it: matching on the child's pid cannot hit an unrelated process.
 */
final class RunProcesses {
    /**
     * One process of the run.
     *
     * @param handle  the process (signals go through it, so a reused pid is never hit)
     * @param command its command line, shortened, for messages
     */
    record Proc(ProcessHandle handle, String command) {
        long pid() {
            return handle.pid();
        }

        @Override
        public String toString() {
            return pid() + " (" + command + ")";
        }
    }

    /**
     * What {@link #stop} did.
     *
     * @param ended  processes that ended after SIGTERM
     * @param killed processes still alive after the grace period, killed with SIGKILL
     */
    record Stopped(List<Proc> ended, List<Proc> killed) {
        Stopped {
            ended = List.copyOf(ended);
            killed = List.copyOf(killed);
        }

        boolean none() {
            return ended.isEmpty() && killed.isEmpty();
        }
    }

    private static final Path PROC = Path.of("/proc");
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final Duration KILL_WAIT = Duration.ofSeconds(2);

    private final long childPid;
    private final byte[] marker;

    /**
     * @param childPid the child's pid (its process group and session id when it runs under setsid)
     * @param runId    the value of {@value ExternalCommandRunner#RUN_ID_ENV} in the child's environment
     */
    RunProcesses(long childPid, String runId) {
        this.childPid = childPid;
        this.marker = ("\0" + ExternalCommandRunner.RUN_ID_ENV + "=" + Objects.requireNonNull(runId, "runId") + "\0")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** @return the run's live processes, the child first when it is alive */
    List<Proc> alive() {
        long self = ProcessHandle.current().pid();
        Map<Long, Stat> stats = scan();
        Map<Long, List<Long>> children = new HashMap<>();
        stats.forEach((pid, st) -> children.computeIfAbsent(st.ppid(), k -> new ArrayList<>()).add(pid));
        Map<Long, Boolean> member = new LinkedHashMap<>();
        if (stats.containsKey(childPid)) {
            addTree(childPid, children, member);
        }
        for (Map.Entry<Long, Stat> e : stats.entrySet()) {
            long pid = e.getKey();
            Stat st = e.getValue();
            if (!member.containsKey(pid) && (st.pgrp() == childPid || st.session() == childPid || carriesMarker(pid))) {
                addTree(pid, children, member);
            }
        }
        List<Proc> out = new ArrayList<>();
        for (long pid : member.keySet()) {
            Stat st = stats.get(pid);
            if (pid == self || st == null || st.dead()) {
                continue;
            }
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            h.filter(ProcessHandle::isAlive).ifPresent(ph -> out.add(new Proc(ph, commandLine(pid, st))));
        }
        return out;
    }

    /**
     * Ends every process of the run: SIGTERM to all, up to {@code grace} for them to end, then SIGKILL to all that
     * are left (including any they forked meanwhile), until none is. Not interruptible.
     */
    Stopped stop(Duration grace) {
        List<Proc> first = alive();
        if (first.isEmpty()) {
            return new Stopped(List.of(), List.of());
        }
        Map<Long, Proc> seen = new LinkedHashMap<>();
        first.forEach(p -> seen.put(p.pid(), p));
        first.forEach(p -> p.handle().destroy());
        long until = System.nanoTime() + grace.toNanos();
        List<Proc> left = first;
        while (!left.isEmpty() && System.nanoTime() - until < 0) {
            LockSupport.parkNanos(POLL_NANOS);
            left = alive();
            for (Proc p : left) {
                if (seen.putIfAbsent(p.pid(), p) == null) {
                    p.handle().destroy();
                }
            }
        }
        Map<Long, Proc> killed = new LinkedHashMap<>();
        long killUntil = System.nanoTime() + KILL_WAIT.toNanos();
        while (!left.isEmpty() && System.nanoTime() - killUntil < 0) {
            for (Proc p : left) {
                killed.putIfAbsent(p.pid(), p);
                p.handle().destroyForcibly();
            }
            LockSupport.parkNanos(POLL_NANOS);
            left = alive();
        }
        List<Proc> ended = new ArrayList<>();
        for (Proc p : seen.values()) {
            if (!killed.containsKey(p.pid())) {
                ended.add(p);
            }
        }
        return new Stopped(ended, new ArrayList<>(killed.values()));
    }

    private static void addTree(long pid, Map<Long, List<Long>> children, Map<Long, Boolean> member) {
        List<Long> todo = new ArrayList<>(List.of(pid));
        while (!todo.isEmpty()) {
            long p = todo.remove(todo.size() - 1);
            if (member.putIfAbsent(p, Boolean.TRUE) == null) {
                todo.addAll(children.getOrDefault(p, List.of()));
            }
        }
    }

    private record Stat(long ppid, long pgrp, long session, char state, String comm) {
        boolean dead() {
            return state == 'Z' || state == 'X' || state == 'x';
        }
    }

    /** @return pid → stat of every process in /proc (processes that end while it is read are left out) */
    private static Map<Long, Stat> scan() {
        Map<Long, Stat> out = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> isPid(p.getFileName().toString()))) {
            for (Path dir : dirs) {
                Stat st = stat(dir.resolve("stat"));
                if (st != null) {
                    out.put(Long.parseLong(dir.getFileName().toString()), st);
                }
            }
        } catch (IOException e) {
            // no /proc: nothing to find (gpumem needs Linux with /proc mounted)
        }
        return out;
    }

    private static boolean isPid(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** @return {@code /proc/<pid>/stat} parsed: "pid (comm) state ppid pgrp session ...", or null when gone */
    private static Stat stat(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 0 || close < open) {
            return null;
        }
        String[] f = text.substring(close + 1).trim().split(" ");
        if (f.length < 4) {
            return null;
        }
        try {
            return new Stat(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]), f[0].charAt(0),
                    text.substring(open + 1, close));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** @return true when the process's environment holds the run's id (false when it cannot be read) */
    private boolean carriesMarker(long pid) {
        byte[] env;
        try {
            env = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
        // the environment is NUL-separated; a leading NUL stands for the start
        outer:
        for (int i = -1; i + marker.length <= env.length + 1; i++) {
            for (int k = 0; k < marker.length; k++) {
                int at = i + k;
                byte b = at < 0 ? 0 : at < env.length ? env[at] : 0;
                if (b != marker[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static String commandLine(long pid, Stat st) {
        String cmd;
        try {
            byte[] raw = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            cmd = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException | RuntimeException e) {
            cmd = "";
        }
        if (cmd.isEmpty()) {
            cmd = st.comm();
        }
        // control characters never reach the terminal or the profile as they are
        cmd = cmd.replaceAll("\\p{Cntrl}", "?");
        return cmd.length() > 80 ? cmd.substring(0, 77) + "..." : cmd;
    }
}
