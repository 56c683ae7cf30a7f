package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gpumem measure in-process on the CPU twin (--cpu, so the test never depends on a driver). */
class MeasureCommandTest {
    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void anExternalCommandOnTheCpuWritesAProfileAndPrintsThePhaseTable() throws Exception {
        Run r = run("measure", "--cpu", "--out", tmp.toString(), "--", "python3", "-c",
                "import os\nm=open(os.environ['GPUMEM_MARKERS'],'a')\nb=b'x'*(16<<20)\nm.write('phase=load\\n')");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("CPU twin: resident memory on"), r.out());
        assertTrue(r.out().contains("sizes in GiB (1024-based)"));
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("load ")), r.out());
        String profileLine = r.out().lines().filter(l -> l.startsWith("profile: ")).findFirst().orElseThrow();
        Path json = Path.of(profileLine.substring("profile: ".length()));
        assertTrue(Files.exists(json));
        String text = Files.readString(json);
        assertTrue(text.contains("\"kind\" : \"cpu\""));
        assertTrue(text.contains("\"runner\" : \"external\""));
    }

    @Test
    void aCrashingChildPassesItsOwnExitStatusThroughWithTheLastLinesOfItsOutput() {
        Run r = run("measure", "--cpu", "--out", tmp.toString(), "--", "sh", "-c",
                "for i in $(seq 1 30); do echo line$i; done; echo oops >&2; exit 3");
        assertEquals(3, r.exit(), "the child's own status, not gpumem's 4");
        assertTrue(r.err().contains("--- last 20 lines of the command's stdout"), r.err());
        assertTrue(r.err().contains("line30") && !r.err().contains("line10\n"), r.err());
        assertTrue(r.err().contains("oops"));
        assertTrue(r.err().contains("gpumem: error: the workload failed: command exited with status 3"));
    }

    @Test
    void maxPeakBreachedByAMeasuredCommandIsExit1WithTheVerdictOnStdoutAndJunit() throws Exception {
        Path xml = tmp.resolve("v.xml");
        // 32 MiB held in phase load; the limit is 8 MiB
        Run r = run("measure", "--cpu", "--max-peak", "8MiB", "--junit", xml.toString(), "--out", tmp.toString(),
                "--", "python3", "-c", "import os,time\nm=open(os.environ['GPUMEM_MARKERS'],'a')\n"
                        + "m.write('phase=baseline\\n'); m.flush(); time.sleep(0.3)\nb=bytearray(32<<20)\n"
                        + "time.sleep(0.3)\nm.write('phase=load\\n')");
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.out().contains("gpumem verdict: FAIL"), r.out());
        assertTrue(r.out().contains("load/allocated: measured"), r.out());
        assertTrue(Files.readString(xml).contains("name=\"load/allocated\""));
        Run loose = run("measure", "--cpu", "--max-peak", "1GiB", "--out", tmp.toString(), "--", "true");
        assertEquals(0, loose.exit(), loose.err());
        assertTrue(loose.out().contains("gpumem verdict: PASS"), loose.out());
    }

    @Test
    void maxErrorWithoutARequestIsBadInput() {
        Run r = run("measure", "--cpu", "--max-error", "5", "--", "true");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--max-error: needs an estimate"), r.err());
    }

    @Test
    void devicesIsOneLineBadInputWithTheCpuTwinOrAnIndexGivenTwice() {
        Run both = run("measure", "--cpu", "--devices", "0,1", "--out", tmp.toString(), "--", "true");
        assertEquals(2, both.exit());
        assertEquals("gpumem: error: devices: give --devices or --cpu, not both", both.err().strip());
        Run twice = run("measure", "--devices", "1,1", "--out", tmp.toString(), "--", "true");
        assertEquals(2, twice.exit());
        assertEquals("gpumem: error: devices: an index is given twice in [1, 1]", twice.err().strip());
    }

    @Test
    void aChildThatNeverEndsIsKilledAtTheTimeoutAndIsExit4() {
        Run r = run("measure", "--cpu", "--timeout", "0.5s", "--out", tmp.toString(), "--", "sleep", "600");
        assertEquals(4, r.exit());
        assertTrue(r.err().contains("timed out"), r.err());
    }

    @Test
    void badInputIsOneLineAndExit2() {
        Run unknown = run("measure", "--backend", "nope", "--", "true");
        assertEquals(2, unknown.exit());
        assertEquals("gpumem: error: backend: unknown value 'nope'; accepted: replay, replay-cca, djl, external\n",
                unknown.err());
        assertEquals(2, run("measure", "--backend", "external").exit());
        assertEquals(2, run("measure", "--cpu", "--timeout", "soon", "--", "true").exit());
        Run noRequest = run("measure", "--cpu", "--backend", "replay");
        assertEquals(2, noRequest.exit());
        assertTrue(noRequest.err().startsWith("gpumem: error: request:"));
        assertEquals(2, run("measure", "--cpu", "--sample-hz", "0", "--", "true").exit());
        assertEquals(2, run("measure", "--cpu", "--backend", "replay", "--", "true").exit());
        assertFalse(noRequest.err().contains("\tat "));
    }

    @Test
    void timeoutsAcceptSecondsMinutesAndHours() {
        assertEquals(Duration.ofSeconds(90), MeasureCommand.parseTimeout("90"));
        assertEquals(Duration.ofSeconds(90), MeasureCommand.parseTimeout("90s"));
        assertEquals(Duration.ofMinutes(10), MeasureCommand.parseTimeout("10m"));
        assertEquals(Duration.ofHours(1), MeasureCommand.parseTimeout("1h"));
        assertThrows(UserError.class, () -> MeasureCommand.parseTimeout("-1"));
    }

    @Test
    void doctorReportsTheNativeLibrariesAndExits0() {
        Run r = run("doctor");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("libnvidia-ml.so.1: "), r.out());
        assertTrue(r.out().contains("nvml:"));
        assertTrue(r.out().contains("javacpp: 1.5.14"));
    }

    private static final String[] TINY_GPT2 = {"--model", "gpt2", "--override", "n_layer=1", "--override",
        "n_embd=256", "--override", "n_head=4", "--override", "vocab_size=4096", "--precision", "fp32",
        "--batch", "1", "--seq", "64"};

    private Run measure(String... args) {
        String[] all = new String[args.length + TINY_GPT2.length];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(TINY_GPT2, 0, all, args.length, TINY_GPT2.length);
        return run(all);
    }

    @Test
    void replayOfAModelOnTheCpuRecordsEveryTrainingPhase() throws Exception {
        for (String backend : new String[] {"replay", "replay-cca"}) {
            Run r = measure("measure", "--cpu", "--backend", backend, "--out", tmp.toString());
            assertEquals(0, r.exit(), r.err());
            for (String phase : new String[] {"load", "forward", "loss", "backward", "optimizer_step"}) {
                assertTrue(r.out().lines().anyMatch(l -> l.startsWith(phase + " ")), backend + ":\n" + r.out());
            }
            String json = Files.readString(Path.of(r.out().lines().filter(l -> l.startsWith("profile: "))
                    .findFirst().orElseThrow().substring("profile: ".length())));
            assertTrue(json.contains("\"runner\" : \"" + backend + "\""));
            assertTrue(json.contains("\"model\" : \"gpt2\""), "the request travels with the profile");
            // the request named no GPU: it was planned and is recorded with the CPU twin as its card
            assertTrue(json.contains("\"arch\" : \"cpu\""), json);
            assertFalse(r.out().contains("no-GPU device defaults"), r.out());
        }
    }

    @Test
    void aPlanLargerThanTheTwinsLimitEndsOutOfMemoryWithExit1() {
        Run r = measure("measure", "--cpu", "--backend", "replay", "--host-limit-gib", "0.001", "--out",
                tmp.toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.err().startsWith("gpumem: out of memory in phase load"), r.err());
        assertTrue(r.out().contains("event: out_of_memory"));
    }
}
