package dev.gpumem.measure.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.measure.MeasurementSession;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.RunEvent;
import dev.gpumem.measure.RunOutcome;
import dev.gpumem.measure.host.RssProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The external runner on the CPU twin: real child processes, their resident memory as the probe. */
class ExternalCommandRunnerTest {
    private static final long MIB = 1L << 20;

    private static MeasurementSession.Measurement measure(ExternalCommandRunner runner, Duration timeout)
            throws InterruptedException {
        return new MeasurementSession(new RssProbe(), new MeasurementSession.Setup("test", "unknown", "host",
                null, List.of("test"), 500, timeout)).run(runner);
    }

    @Test
    void aChildsMarkedPhasesAndItsResidentMemoryAreRecorded(@TempDir Path dir) throws Exception {
        String py = "import os, time\n"
                + "m = open(os.environ['GPUMEM_MARKERS'], 'a')\n"
                + "def mark(s):\n    m.write(s + '\\n'); m.flush(); time.sleep(0.15)\n"
                + "mark('phase=load at=start')\n"
                + "b = b'x' * (64 << 20)\n"
                + "mark('phase=load allocated=67108864')\n"
                + "mark('phase=forward at=start')\n"
                + "del b\n"
                + "mark('phase=forward')\n";
        ExternalCommandRunner runner = new ExternalCommandRunner(List.of("python3", "-c", py), dir, true, Map.of());
        MeasurementSession.Measurement m = measure(runner, null);
        assertInstanceOf(RunOutcome.Completed.class, m.outcome());
        assertEquals(0, m.profile().baseline().deviceUsed(), "the child had not started at the baseline");
        List<PhaseReading> phases = m.profile().phases();
        assertEquals(List.of("load", "forward"), phases.stream().map(PhaseReading::phase).toList());
        PhaseReading load = phases.get(0);
        // the 64 MiB bytes object was filled, so its pages are resident while the child holds it
        assertTrue(load.end().deviceUsed() - load.start().deviceUsed() > 60 * MIB,
                "load: " + load.start().deviceUsed() + " -> " + load.end().deviceUsed());
        assertEquals(67108864L, load.end().frameworkAllocated());
        // freed with MALLOC_MMAP_THRESHOLD_ pinned: resident memory drops again
        assertTrue(phases.get(1).end().deviceUsed() < load.end().deviceUsed() - 60 * MIB);
    }

    @Test
    void withoutMarkersTheRunIsOnePhaseWithItsPeak(@TempDir Path dir) throws Exception {
        ExternalCommandRunner runner = new ExternalCommandRunner(List.of("python3", "-c",
                "import time; b = b'x' * (32 << 20); time.sleep(0.3)"), dir, true, Map.of());
        MeasurementSession.Measurement m = measure(runner, null);
        assertInstanceOf(RunOutcome.Completed.class, m.outcome());
        assertEquals(1, m.profile().phases().size());
        assertTrue(m.profile().phases().get(0).peakDevice() > 30 * MIB);
        assertTrue(m.profile().samples().size() > 0);
    }

    @Test
    void aChildThatCrashesIsAResultAndItsOutputIsKept(@TempDir Path dir) throws Exception {
        ExternalCommandRunner runner = new ExternalCommandRunner(List.of("sh", "-c",
                "echo starting; echo boom >&2; exit 3"), dir, true, Map.of());
        MeasurementSession.Measurement m = measure(runner, null);
        RunOutcome.ChildFailed f = assertInstanceOf(RunOutcome.ChildFailed.class, m.outcome());
        assertEquals(3, f.exitCode());
        assertEquals(List.of("boom"), ExternalCommandRunner.lastLines(runner.stderrFile(), 20));
        assertEquals(List.of("starting"), ExternalCommandRunner.lastLines(runner.stdoutFile(), 20));
        assertTrue(m.profile().events().stream().anyMatch(e -> e.kind() == RunEvent.Kind.CHILD_FAILED));
    }

    @Test
    void aChildThatNeverEndsIsKilledAtTheTimeoutWithItsDescendants(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("grandchild.pid");
        ExternalCommandRunner runner = new ExternalCommandRunner(List.of("sh", "-c",
                "sleep 600 & echo $! > " + pidFile + "; wait"), dir.resolve("out"), true, Map.of());
        MeasurementSession.Measurement m = measure(runner, Duration.ofMillis(700));
        assertInstanceOf(RunOutcome.TimedOut.class, m.outcome());
        assertTrue(m.profile().events().stream().anyMatch(e -> e.kind() == RunEvent.Kind.TIMED_OUT));
        long grandchild = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle.of(grandchild).ifPresent(h -> {
            try {
                h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // checked below
            }
        });
        assertFalse(ProcessHandle.of(grandchild).map(ProcessHandle::isAlive).orElse(false),
                "the grandchild was killed too");
    }

    @Test
    void malformedMarkersBecomeNotesNotACrash(@TempDir Path dir) throws Exception {
        ExternalCommandRunner runner = new ExternalCommandRunner(List.of("sh", "-c",
                "printf 'phase=load at=start\\nnonsense\\nphase=load allocated=x\\nphase=load' >> \"$GPUMEM_MARKERS\""),
                dir, true, Map.of());
        MeasurementSession.Measurement m = measure(runner, null);
        assertInstanceOf(RunOutcome.Completed.class, m.outcome());
        List<RunEvent> notes = m.profile().events().stream().filter(e -> e.kind() == RunEvent.Kind.NOTE).toList();
        assertEquals(2, notes.size(), notes.toString());
        assertTrue(notes.get(0).message().contains("markers line 2"));
        assertEquals(List.of("load"), m.profile().phases().stream().map(PhaseReading::phase).toList(),
                "the last line without newline still counts");
    }

    @Test
    void aCommandThatCannotStartIsAChildFailure(@TempDir Path dir) throws Exception {
        ExternalCommandRunner runner = new ExternalCommandRunner(List.of("/nonexistent/gpumem-no-such-command"),
                dir, true, Map.of());
        RunOutcome.ChildFailed f = assertInstanceOf(RunOutcome.ChildFailed.class, measure(runner, null).outcome());
        assertTrue(f.message().contains("cannot start"));
    }
}
