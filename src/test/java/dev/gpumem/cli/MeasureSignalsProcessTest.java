package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gpumem.io.ProfileFiles;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RunEvent;
import dev.gpumem.measure.external.ExternalCommandRunner;
import dev.gpumem.measure.external.LiveProcesses;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gpumem measure in a real JVM, stopped by a real signal mid-measurement, and two real runs into one --out at once.
 * The measured command is a shell script that marks phases and leaves a grandchild; /proc is checked afterwards.
 */
class MeasureSignalsProcessTest {
    @TempDir
    Path tmp;

    private record Gpumem(Process process, Path stdout, Path stderr) {
        String out() throws IOException {
            return Files.readString(stdout);
        }

        String err() throws IOException {
            return Files.readString(stderr);
        }
    }

    private Gpumem start(String name, Path out, String script) throws IOException {
        Path sh = Files.writeString(tmp.resolve(name + ".sh"), script);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.gpumem.cli.Main", "measure", "--cpu", "--sample-hz", "200", "--out", out.toString(),
                "--", "sh", sh.toString()));
        Path stdout = tmp.resolve(name + ".out");
        Path stderr = tmp.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        p.getOutputStream().close();
        return new Gpumem(p, stdout, stderr);
    }

    /** load, then forward begun; a grandchild sleeps; {@code ready} says the markers are written. */
    private String phasesThenWait(String prefix) {
        return "cd " + tmp + "\n"
                + prefix
                + "echo \"$GPUMEM_RUN_ID\" > run.id\n"
                + "echo 'phase=load at=start' >> \"$GPUMEM_MARKERS\"\n"
                + "sleep 0.2\n"
                + "echo 'phase=load' >> \"$GPUMEM_MARKERS\"\n"
                + "echo 'phase=forward at=start' >> \"$GPUMEM_MARKERS\"\n"
                + "sleep 600 &\n"
                + "echo $! > grandchild.pid\n"
                + "touch ready\n"
                + "while :; do wait; done\n";
    }

    private void awaitFile(Path f, Gpumem g) throws Exception {
        long until = System.currentTimeMillis() + 120_000;
        while (!Files.exists(f)) {
            assertTrue(g.process().isAlive(), "gpumem ended early: " + g.err());
            assertTrue(System.currentTimeMillis() < until, "the workload never got ready: " + g.err());
            Thread.sleep(20);
        }
        // the markers are read every 5 ms; leave time for the forward boundary's reading
        Thread.sleep(500);
    }

    private static void signal(Process p, String sig) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
    }

    /** @return true when this JVM (and so a child it starts) ignores {@code signo}: it could not be handled */
    private static boolean ignored(int signo) throws IOException {
        String mask = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("SigIgn:"))
                .findFirst().orElse("SigIgn: 0").substring("SigIgn:".length()).trim();
        return (Long.parseUnsignedLong(mask, 16) & (1L << (signo - 1))) != 0;
    }

    private Profile interruptedProfile(Gpumem g, String signal) throws Exception {
        String err = g.err();
        String out = g.out();
        Path json = Path.of(out.lines().filter(l -> l.startsWith("profile: ")).findFirst().orElseThrow(
                () -> new AssertionError("no profile line: " + out + err)).substring("profile: ".length()));
        assertTrue(err.contains("gpumem: SIG" + signal + ": stopping the workload and saving what was measured"),
                err);
        assertTrue(err.contains("gpumem: interrupted by SIG" + signal + ": the workload was stopped; the profile of "
                + "the phases so far: " + json), err);
        assertTrue(Files.readString(json).contains("\"kind\" : \"interrupted\""));
        Profile p = ProfileFiles.read(json);
        assertEquals(List.of("load", "forward"), p.phases().stream().map(PhaseReading::phase).toList());
        return p;
    }

    private void assertNothingOfTheRunIsLeft() throws Exception {
        long grandchild = Long.parseLong(Files.readString(tmp.resolve("grandchild.pid")).trim());
        assertTrue(LiveProcesses.goneWithin(grandchild, 5000), "the grandchild " + grandchild + " survived");
        String runId = Files.readString(tmp.resolve("run.id")).trim();
        assertEquals(List.of(), LiveProcesses.carrying(ExternalCommandRunner.RUN_ID_ENV, runId));
    }

    @Test
    void sigtermMidMeasurementWritesTheProfileSoFarMarkedInterruptedAndExits143() throws Exception {
        Path out = tmp.resolve("profiles");
        Gpumem g = start("term", out, phasesThenWait(""));
        awaitFile(tmp.resolve("ready"), g);
        signal(g.process(), "TERM");
        assertTrue(g.process().waitFor(60, TimeUnit.SECONDS), "gpumem did not exit: " + g.err());
        assertEquals(143, g.process().exitValue(), g.err());
        Profile p = interruptedProfile(g, "TERM");
        RunEvent e = p.events().stream().filter(x -> x.kind() == RunEvent.Kind.INTERRUPTED).findFirst().orElseThrow();
        assertEquals("forward", e.phase());
        assertNothingOfTheRunIsLeft();
    }

    @Test
    void sigintWithAChildThatIgnoresSigtermKillsTheTreeRecordsItAndExits130() throws Exception {
        assumeTrue(!ignored(2), "SIGINT is ignored by this test JVM (started in the background), so by gpumem too");
        Path out = tmp.resolve("profiles");
        Gpumem g = start("int", out, phasesThenWait("trap '' TERM\n"));
        awaitFile(tmp.resolve("ready"), g);
        signal(g.process(), "INT");
        assertTrue(g.process().waitFor(60, TimeUnit.SECONDS), "gpumem did not exit: " + g.err());
        assertEquals(130, g.process().exitValue(), g.err());
        Profile p = interruptedProfile(g, "INT");
        long grandchild = Long.parseLong(Files.readString(tmp.resolve("grandchild.pid")).trim());
        assertTrue(p.events().stream().anyMatch(x -> x.kind() == RunEvent.Kind.PROCESS_KILLED
                && x.message().startsWith("process " + grandchild + " (sleep 600) ignored SIGTERM")), p.events()
                .toString());
        assertNothingOfTheRunIsLeft();
    }

    @Test
    void twoRunsIntoOneOutAtOnceWriteTwoProfilesEachWithItsOwnPhases() throws Exception {
        Path out = tmp.resolve("shared");
        List<Gpumem> runs = new ArrayList<>();
        for (String phase : List.of("alpha", "beta")) {
            // both wait for the other to have started, so they overlap
            runs.add(start(phase, out, "cd " + tmp + "\ntouch started." + phase + "\n"
                    + "i=0; while [ $(ls started.* | wc -l) -lt 2 ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done\n"
                    + "echo 'phase=" + phase + "' >> \"$GPUMEM_MARKERS\"\n"
                    + "echo " + phase + "\n"));
        }
        List<Path> profiles = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Gpumem g = runs.get(i);
            assertTrue(g.process().waitFor(120, TimeUnit.SECONDS), "gpumem did not exit: " + g.err());
            assertEquals(0, g.process().exitValue(), g.err());
            String line = g.out().lines().filter(l -> l.startsWith("profile: ")).findFirst().orElseThrow();
            profiles.add(Path.of(line.substring("profile: ".length())));
        }
        assertNotEquals(profiles.get(0), profiles.get(1));
        assertEquals(List.of("alpha"), phases(profiles.get(0)));
        assertEquals(List.of("beta"), phases(profiles.get(1)));
        try (var files = Files.list(out)) {
            List<Path> all = files.toList();
            assertEquals(2, all.stream().filter(f -> f.toString().endsWith(".json")).count(), all.toString());
            assertEquals(2, all.stream().filter(f -> f.toString().endsWith(".samples.csv")).count());
            List<Path> folders = all.stream().filter(Files::isDirectory).toList();
            assertEquals(2, folders.size(), "a run folder each: " + all);
            List<String> stdouts = new ArrayList<>();
            for (Path f : folders) {
                stdouts.add(Files.readString(f.resolve("stdout.txt"), StandardCharsets.UTF_8).strip());
            }
            assertEquals(List.of("alpha", "beta"), stdouts.stream().sorted().toList(), "outputs never mix");
        }
    }

    private static List<String> phases(Path json) throws IOException {
        return ProfileFiles.read(json).phases().stream().map(PhaseReading::phase).toList();
    }
}
