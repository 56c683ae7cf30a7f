package dev.gpumem.measure;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Finds the ranks of a multi-process job among the watched processes by their environment ({@link
 * RankEnvironment}): every {@value #PERIOD_MS} ms it lists the watched tree and reports each new RANK once, with the
 * topmost process that carries it (a worker, not the data-loader children that inherit its environment). A process
 * without RANK is looked at again on the next round, since a freshly forked child shows its parent's environment
 * until it execs. Runs on its own daemon thread between {@link #start()} and {@link #stop()}.
 */
public final class RankDiscovery {
    static final long PERIOD_MS = 50;

    private final ProcessTree watched;
    private final BiConsumer<Integer, Long> found;
    private final Map<Long, Integer> rankOfPid = new HashMap<>();
    private final Set<Integer> reported = new HashSet<>();
    private Thread thread;
    private volatile boolean running;

    /** @param found called with (rank, pid) once per rank, from the discovery thread */
    public RankDiscovery(ProcessTree watched, BiConsumer<Integer, Long> found) {
        this.watched = watched;
        this.found = found;
    }

    public synchronized void start() {
        running = true;
        thread = new Thread(this::loop, "gpumem-rank-discovery");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops the thread (a rank that lived less than one period may be missed: it is then not a rank reading). */
    public void stop() throws InterruptedException {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        if (t != null) {
            t.interrupt();
            t.join();
        }
    }

    private void loop() {
        while (running) {
            scan();
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                break;
            }
        }
    }

    /** One round: reads the environment of the tree's processes not known yet and reports new ranks. */
    void scan() {
        if (watched.isSelf()) {
            return;
        }
        long[] pids = watched.pids();
        for (long pid : pids) {
            if (!rankOfPid.containsKey(pid)) {
                RankEnvironment.of(pid).ifPresent(env -> rankOfPid.put(pid, env.rank()));
            }
        }
        for (long pid : pids) {
            Integer rank = rankOfPid.get(pid);
            if (rank == null || reported.contains(rank) || parentHasRank(pid, rank)) {
                continue;
            }
            reported.add(rank);
            found.accept(rank, pid);
        }
    }

    private boolean parentHasRank(long pid, int rank) {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent)
                .map(parent -> Integer.valueOf(rank).equals(rankOfPid.get(parent.pid()))).orElse(false);
    }
}
