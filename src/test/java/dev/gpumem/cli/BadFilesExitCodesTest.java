package dev.gpumem.cli;

import static dev.gpumem.compare.Fixtures.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gpumem.compare.Fixtures;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.ProfileJson;
import dev.gpumem.measure.Profile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 10, "wrong messages and exit codes", through the real command line: bad files are exit 2 with one line
 * naming the file (and the field or tensor), never 70.
 */
class BadFilesExitCodesTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** a GPU profile of gpt2 (re-estimated quickly), 100 MiB at every level of its load phase */
    private static Profile gpt2Profile() {
        Profile p = Fixtures.profile(Fixtures.H100, "external", Fixtures.reading(0, 0, null),
                Fixtures.measured("load", 0, 10, 900 * MIB, 900 * MIB, 500 * MIB, 520 * MIB));
        RunConfig gpt2 = RunConfig.training("gpt2", RunConfig.Precision.BF16, RunConfig.Optimizer.ADAMW, 1, 128);
        return new Profile(p.schemaVersion(), p.provenance(), gpt2, null, p.baseline(), p.phases(), p.samples(),
                p.sampleRateHz(), p.events());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    /** compare prints; calibrate and report write to --out */
    private static CliRun of(String command, Path profile, Path out) {
        return command.equals("compare") ? CliRun.of(command, profile.toString())
                : CliRun.of(command, profile.toString(), "--out", out.toString());
    }

    private static String oneLine(CliRun r) {
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertFalse(r.err().contains("internal error"), r.err());
        return r.err();
    }

    @Test
    void compareSaysWhichOfTwoProfilesIsTruncated() throws IOException {
        String good = ProfileJson.toJson(gpt2Profile(), null);
        Path ok = write("good.json", good);
        Path trunc = write("trunc.json", good.substring(0, good.length() / 2));
        CliRun r = CliRun.of("compare", ok.toString(), trunc.toString());
        assertEquals(2, r.code(), r.err());
        String line = oneLine(r);
        assertTrue(line.startsWith("gpumem: error: " + trunc + ": not valid JSON"), line);
        assertFalse(line.contains("good.json"), line);
    }

    @Test
    void aDirectoryOrAFifoGivenAsProfileIsNamedForWhatItIs() throws Exception {
        CliRun d = CliRun.of("compare", dir.toString());
        assertEquals(2, d.code(), d.err());
        assertEquals("gpumem: error: PROFILE: " + dir + " is a directory\n", d.err());
        Path fifo = dir.resolve("pipe.json");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mk.waitFor() == 0, "mkfifo is not available here");
        for (String cmd : new String[] {"compare", "calibrate", "report"}) {
            CliRun f = of(cmd, fifo, dir.resolve("out"));
            assertEquals(2, f.code(), cmd + ": " + f.err());
            assertTrue(oneLine(f).startsWith("gpumem: error: PROFILE: " + fifo + " is not a regular file"), f.err());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"compare|\"NaN\"", "compare|-1", "compare|1.5", "compare|1e309",
            "calibrate|\"NaN\"", "calibrate|-1", "calibrate|1.5", "calibrate|1e309",
            "report|\"NaN\"", "report|-1", "report|1.5", "report|1e309"})
    void compareCalibrateAndReportRefuseAProfileWithABadNumber(String command, String value) throws IOException {
        String peak = "\"peak_device\" : " + (900 * MIB);
        String json = ProfileJson.toJson(gpt2Profile(), null);
        assertTrue(json.contains(peak), json);
        Path bad = write("bad.json", json.replace(peak, "\"peak_device\" : " + value));
        Path out = dir.resolve("out");
        CliRun r = of(command, bad, out.resolve("x.json"));
        assertEquals(2, r.code(), r.err());
        assertTrue(oneLine(r).startsWith("gpumem: error: " + bad + ": phases[0].peak_device: "), r.err());
        assertFalse(Files.exists(out), "nothing is written from a refused profile");
    }

    @Test
    void aTensorWhoseSizeOverflowsIsExit2NamingTheTensor() throws IOException {
        Files.writeString(dir.resolve("config.json"), """
                {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 8,
                 "intermediate_size": 16, "num_attention_heads": 2, "num_key_value_heads": 1,
                 "num_hidden_layers": 2, "vocab_size": 10, "torch_dtype": "bfloat16"}""");
        byte[] header = ("{\"model.embed_tokens.weight\": {\"dtype\": \"BF16\", \"shape\": [2147483648, 1073741824],"
                + " \"data_offsets\": [0, 16]}}").getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        Files.write(dir.resolve("model.safetensors"), b.array());
        CliRun r = CliRun.of("estimate", "--model", dir.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(oneLine(r).contains(dir.resolve("model.safetensors") + ": tensor 'model.embed_tokens.weight'"),
                r.err());
    }

    @Test
    void optimizerInBackwardWithDdpBucketViewsIsEstimated() {
        CliRun r = CliRun.of("estimate", "--model", "gpt2", "--dp", "2", "--option", "ddp_bucket_view", "--option",
                "optimizer_in_backward");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("optimizer_step")), r.out());
    }

    @Test
    void aCalibrationThatCannotBeWrittenIsExit74NamingThePath() throws IOException {
        Path profile = write("gpu.json", ProfileJson.toJson(gpt2Profile(), null));
        Path notADir = write("plain-file", "x");
        Path target = notADir.resolve("cal.json");
        CliRun r = CliRun.of("calibrate", profile.toString(), "--out", target.toString());
        assertEquals(74, r.code(), r.err());
        assertTrue(oneLine(r).contains(notADir.toString()), r.err());
    }

    @Test
    void aDirectoryGivenAsCalibrationIsBadInputNamingIt() {
        CliRun r = CliRun.of("estimate", "--model", "gpt2", "--calibration", dir.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals("gpumem: error: --calibration: " + dir + " is a directory\n", r.err());
    }

    @Test
    void measureMergesTheRequestFilesFinetuneWithTheLoraFlags() throws IOException {
        Path request = write("r.json", "{\"model\": \"gpt2\", \"finetune\": {\"method\": \"lora\", \"rank\": 16}}");
        Path out = dir.resolve("profiles");
        CliRun r = CliRun.of("measure", "--cpu", "--request", request.toString(), "--lora-alpha", "8", "--out",
                out.toString(), "--", "true");
        assertEquals(0, r.code(), r.err());
        String profileLine = r.out().lines().filter(l -> l.startsWith("profile: ")).findFirst().orElseThrow();
        String json = Files.readString(Path.of(profileLine.substring("profile: ".length())));
        String compact = json.replaceAll("\\s+", "");
        assertTrue(compact.contains("\"method\":\"lora\",\"rank\":16,\"alpha\":8"), json);
    }

    @Test
    void controlBytesFromAMarkersFileAreEscapedOnTheTerminal() {
        CliRun r = CliRun.of("measure", "--cpu", "--out", dir.resolve("profiles").toString(), "--", "sh", "-c",
                "printf 'phase=\\033[2J\\000x\\r\\n' >> \"$GPUMEM_MARKERS\"; printf 'phase=load\\n' >> \"$GPUMEM_MARKERS\"");
        assertEquals(0, r.code(), r.err());
        String all = r.out() + r.err();
        assertTrue(all.contains("\\e[2J"), all);
        assertFalse(all.chars().anyMatch(c -> c == 0x1b || c == 0 || c == '\r'), "raw ESC, NUL or CR printed: " + all);
    }
}
