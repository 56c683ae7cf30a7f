package dev.gpumem.measure.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.measure.MeasurementSession;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.RunEvent;
import dev.gpumem.measure.RunOutcome;
import dev.gpumem.measure.StopRequest;
import dev.gpumem.measure.host.RssProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No process of a measured command is left running after the run, whatever it did: ignored SIGTERM, left a
 * grandchild behind, started a session of its own. Real processes (bash, sleep); /proc is checked independently.
 */
class ExternalCommandRunnerSurvivorsTest {

    private static MeasurementSession.Measurement measure(ExternalCommandRunner runner, Duration timeout,
                                                          StopRequest stop) throws InterruptedException {
        return new MeasurementSession(new RssProbe(), new MeasurementSession.Setup("test", "unknown", "host",
                null, List.of("test"), 200, timeout), stop).run(runner);
    }

    private static long pid(Path file) throws Exception {
        return Long.parseLong(Files.readString(file).trim());
    }

    private static List<RunEvent> killed(MeasurementSession.Measurement m) {
        return m.profile().events().stream().filter(e -> e.kind() == RunEvent.Kind.PROCESS_KILLED).toList();
    }

    private static void assertNoProcessCarries(Path runIdFile) throws Exception {
        String runId = Files.readString(runIdFile).trim();
        assertTrue(runId.length() > 8, "the child saw GPUMEM_RUN_ID: '" + runId + "'");
        assertEquals(List.of(), LiveProcesses.carrying(ExternalCommandRunner.RUN_ID_ENV, runId),
                "processes of the run still alive");
    }

    @Test
    void atTheTimeoutAChildIgnoringSigtermAndItsGrandchildAreKilledAndRecorded(@TempDir Path dir) throws Exception {
        String script = "cd " + dir + "\n"
                + "trap '' TERM\n"
                + "echo \"$GPUMEM_RUN_ID\" > run.id\n"
                + "sleep 600 &\n"
                + "echo $! > grandchild.pid\n"
                + "echo $$ > child.pid\n"
                + "while :; do wait; done\n";
        Files.writeString(dir.resolve("work.sh"), script);
        ExternalCommandRunner runner = new ExternalCommandRunner(List.of("bash", dir.resolve("work.sh").toString()),
                dir.resolve("out"), true, Map.of());
        long t0 = System.nanoTime();
        MeasurementSession.Measurement m = measure(runner, Duration.ofMillis(1500), new StopRequest());
        long tookMillis = (System.nanoTime() - t0) / 1_000_000;
        assertInstanceOf(RunOutcome.TimedOut.class, m.outcome());
        long child = pid(dir.resolve("child.pid"));
        long grandchild = pid(dir.resolve("grandchild.pid"));
        assertTrue(LiveProcesses.goneWithin(child, 5000), "the child " + child + " survived");
        assertTrue(LiveProcesses.goneWithin(grandchild, 5000), "the grandchild " + grandchild + " survived");
        assertNoProcessCarries(dir.resolve("run.id"));
        // both ignored SIGTERM (an ignored signal stays ignored across fork and exec): both needed SIGKILL
        List<RunEvent> killed = killed(m);
        assertTrue(killed.stream().anyMatch(e -> e.message().startsWith("process " + child + " ")
                && e.message().contains("SIGKILL")), killed.toString());
        assertTrue(killed.stream().anyMatch(e -> e.message().startsWith("process " + grandchild + " (sleep 600)")
                && e.message().contains("SIGKILL")), killed.toString());
        // timeout + the grace period before SIGKILL, not more than a few seconds beyond
        assertTrue(tookMillis >= 1500 + ExternalCommandRunner.KILL_GRACE_MILLIS, "took " + tookMillis + " ms");
    }

    @Test
    void grandchildrenThatOutliveTheCommandAreEndedAndRecorded(@TempDir Path dir) throws Exception {
        // one re-parents to init in the command's process group; one also leaves it with a session of its own
        String script = "cd " + dir + "\n"
                + "echo \"$GPUMEM_RUN_ID\" > run.id\n"
                + "(sleep 600 & echo $! > orphan.pid)\n"
                + "setsid sleep 601 &\n"
                + "echo $! > own-session.pid\n"
                + "echo 'phase=load' >> \"$GPUMEM_MARKERS\"\n"
                + "exit 0\n";
        ExternalCommandRunner runner = new ExternalCommandRunner(List.of("sh", "-c", script), dir.resolve("out"),
                true, Map.of());
        MeasurementSession.Measurement m = measure(runner, null, new StopRequest());
        assertInstanceOf(RunOutcome.Completed.class, m.outcome(), m.profile().events().toString());
        long orphan = pid(dir.resolve("orphan.pid"));
        long ownSession = pid(dir.resolve("own-session.pid"));
        assertTrue(LiveProcesses.goneWithin(orphan, 5000), "the orphan " + orphan + " survived");
        assertTrue(LiveProcesses.goneWithin(ownSession, 5000), "the setsid grandchild " + ownSession + " survived");
        assertNoProcessCarries(dir.resolve("run.id"));
        List<RunEvent> killed = killed(m);
        assertEquals(2, killed.size(), killed.toString());
        // a process's command line is read when it is ended: just after a fork it may still be the parent's
        // ("sh -c ..."), just before setsid's exec "setsid sleep 601"; the pid and what happened are what count
        assertTrue(killed.stream().anyMatch(e -> e.message().startsWith("process " + orphan + " (")
                && e.message().endsWith(") outlived the command and was ended with SIGTERM")), killed.toString());
        assertTrue(killed.stream().anyMatch(e -> e.message().startsWith("process " + ownSession + " (")
                && e.message().endsWith(") outlived the command and was ended with SIGTERM")), killed.toString());
        assertEquals(List.of("load"), m.profile().phases().stream().map(PhaseReading::phase).toList());
    }

    @Test
    void aCommandThatLeavesNothingBehindHasNoProcessEvents(@TempDir Path dir) throws Exception {
        ExternalCommandRunner runner = new ExternalCommandRunner(List.of("sh", "-c", "sleep 0.2"), dir, true,
                Map.of());
        MeasurementSession.Measurement m = measure(runner, null, new StopRequest());
        assertInstanceOf(RunOutcome.Completed.class, m.outcome());
        assertEquals(List.of(), killed(m));
    }

    @Test
    void aStopRequestEndsTheTreeAndKeepsThePhasesSoFar(@TempDir Path dir) throws Exception {
        String script = "cd " + dir + "\n"
                + "echo \"$GPUMEM_RUN_ID\" > run.id\n"
                + "echo 'phase=load at=start' >> \"$GPUMEM_MARKERS\"\n"
                + "sleep 0.2\n"
                + "echo 'phase=load' >> \"$GPUMEM_MARKERS\"\n"
                + "echo 'phase=forward at=start' >> \"$GPUMEM_MARKERS\"\n"
                + "sleep 600 &\n"
                + "echo $! > grandchild.pid\n"
                + "touch ready\n"
                + "wait\n";
        ExternalCommandRunner runner = new ExternalCommandRunner(List.of("sh", "-c", script), dir.resolve("out"),
                true, Map.of());
        StopRequest stop = new StopRequest();
        Thread stopper = new Thread(() -> {
            try {
                while (!Files.exists(dir.resolve("ready"))) {
                    Thread.sleep(10);
                }
                Thread.sleep(200);
                stop.request("SIGTERM");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stopper.start();
        MeasurementSession.Measurement m = measure(runner, Duration.ofSeconds(120), stop);
        stopper.join();
        RunOutcome.Interrupted i = assertInstanceOf(RunOutcome.Interrupted.class, m.outcome());
        assertEquals("SIGTERM", i.cause());
        assertEquals(List.of("load", "forward"), m.profile().phases().stream().map(PhaseReading::phase).toList());
        RunEvent interrupted = m.profile().events().stream().filter(e -> e.kind() == RunEvent.Kind.INTERRUPTED)
                .findFirst().orElseThrow();
        assertEquals("forward", interrupted.phase());
        assertTrue(LiveProcesses.goneWithin(pid(dir.resolve("grandchild.pid")), 5000));
        assertNoProcessCarries(dir.resolve("run.id"));
    }
}
