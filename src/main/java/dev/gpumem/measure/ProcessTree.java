package dev.gpumem.measure;

/**
 * The processes whose memory a run is about: this JVM (in-process runners), or a child and its descendants
 * (external command). Per-process probe figures sum over {@link #pids()}.
 *
 * <p>Descendants are re-listed at most every {@value #REFRESH_NANOS} ns, because listing them scans /proc and
 * the sampler reads at 1 kHz or more. Thread-safe.
 */
public final class ProcessTree {
    static final long REFRESH_NANOS = 20_000_000L;

    private volatile ProcessHandle root;
    private volatile long[] cached;
    private volatile long listedAt;

    private ProcessTree(ProcessHandle root) {
        this.root = root;
        this.cached = root == null ? new long[0] : new long[] {root.pid()};
        this.listedAt = System.nanoTime();
    }

    /** @return a tree that watches nothing yet (a child not started): per-process figures are 0 */
    public static ProcessTree none() {
        return new ProcessTree(null);
    }

    /** @return a tree that watches this JVM only */
    public static ProcessTree self() {
        return new ProcessTree(ProcessHandle.current());
    }

    /** @return a tree that watches {@code root} and its descendants */
    public static ProcessTree of(ProcessHandle root) {
        return new ProcessTree(root);
    }

    /** From now on, watches {@code newRoot} and its descendants. */
    public void watch(ProcessHandle newRoot) {
        root = newRoot;
        cached = new long[] {newRoot.pid()};
        listedAt = 0;
    }

    /** @return true while the tree watches this JVM itself */
    public boolean isSelf() {
        ProcessHandle r = root;
        return r != null && r.pid() == ProcessHandle.current().pid();
    }

    /** @return the root's pid, or -1 when nothing is watched yet */
    public long rootPid() {
        ProcessHandle r = root;
        return r == null ? -1 : r.pid();
    }

    /** @return the root and its live descendants (the root's pid even after it ended; none before a root) */
    public long[] pids() {
        long now = System.nanoTime();
        ProcessHandle r = root;
        if (r != null && now - listedAt >= REFRESH_NANOS && !isSelf()) {
            long[] pids = java.util.stream.LongStream.concat(
                    java.util.stream.LongStream.of(r.pid()),
                    r.descendants().mapToLong(ProcessHandle::pid)).toArray();
            cached = pids;
            listedAt = now;
        }
        return cached.clone();
    }
}
