package dev.gpumem.measure;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessTreeTest {
    @Test
    void aChildTreeIncludesTheChildAndItsDescendants() throws Exception {
        Process child = new ProcessBuilder("sh", "-c", "sleep 30 & wait").start();
        try {
            ProcessTree tree = ProcessTree.none();
            assertEquals(0, tree.pids().length, "nothing watched before the child starts");
            tree.watch(child.toHandle());
            long[] pids = new long[0];
            for (int i = 0; i < 100 && pids.length < 2; i++) {
                Thread.sleep(ProcessTree.REFRESH_NANOS / 1_000_000 + 5);
                pids = tree.pids();
            }
            long childPid = child.pid();
            assertTrue(Arrays.stream(pids).anyMatch(p -> p == childPid));
            assertEquals(2, pids.length, "sh and its sleep");
        } finally {
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
            child.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void selfIsThisJvmOnly() {
        ProcessTree self = ProcessTree.self();
        assertTrue(self.isSelf());
        assertArrayEquals(new long[] {ProcessHandle.current().pid()}, self.pids());
    }
}
