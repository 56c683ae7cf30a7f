package dev.gpumem.measure;

import java.util.Arrays;

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
        this.cached = new long[] {root.pid()};
        this.listedAt = System.nanoTime();
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
        return root.pid() == ProcessHandle.current().pid();
    }

    /** @return the root's pid */
    public long rootPid() {
        return root.pid();
    }

    /** @return the root and its live descendants (the root's pid even after it ended) */
    public long[] pids() {
        long now = System.nanoTime();
        if (now - listedAt >= REFRESH_NANOS && !isSelf()) {
            ProcessHandle r = root;
            long[] pids = java.util.stream.LongStream.concat(
                    java.util.stream.LongStream.of(r.pid()),
                    r.descendants().mapToLong(ProcessHandle::pid)).toArray();
            cached = pids;
            listedAt = now;
        }
        return cached.clone();
    }

    /** @return true when {@code pid} is one of {@link #pids()} */
    public boolean contains(long pid) {
        return Arrays.stream(pids()).anyMatch(p -> p == pid);
    }
}
