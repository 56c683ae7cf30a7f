package dev.gpumem.cli;

import static dev.gpumem.compare.Fixtures.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.compare.Fixtures;
import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Phase;
import dev.gpumem.io.CalibrationJson;
import dev.gpumem.compare.DeviceCalibration;
import dev.gpumem.measure.Profile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** compare, calibrate, report and validate through picocli, with hand-made profiles and estimates. */
class CompareCommandsTest {
    @TempDir
    Path dir;

    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** measured 100 MiB at every level, estimated 110 MiB: +10 % everywhere */
    static final Profile GPU = Fixtures.profile(Fixtures.H100, "external", Fixtures.reading(0, 0, null),
            Fixtures.measured("load", 0, 10, 100 * MIB, 100 * MIB, 100 * MIB, 100 * MIB));
    static final Estimate PLUS_TEN = Fixtures.estimate(Fixtures.phase(Phase.LOAD, 110 * MIB, 110 * MIB, 110 * MIB));
    static final Profile CPU = Fixtures.profile(Fixtures.CPU, "replay", Fixtures.reading(0, 300 * MIB, 300 * MIB),
            Fixtures.measured("load", 0, 10, 400 * MIB, 400 * MIB, null, null));

    private int run(Callable<Integer> command, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        ErrorHandler h = new ErrorHandler();
        cl.setExecutionExceptionHandler(h);
        cl.setParameterExceptionHandler(h);
        return cl.execute(args);
    }

    private Path file(String name) throws IOException {
        return Files.writeString(dir.resolve(name), "{}");
    }

    /** an external command measured without --request: 400 MiB resident over a 300 MiB baseline */
    static final Profile NO_REQUEST = new Profile(CPU.schemaVersion(), CPU.provenance(), null, List.of("sh"),
            CPU.baseline(), CPU.phases(), CPU.samples(), 1000, List.of());

    private FakeWorkbench bench() {
        return new FakeWorkbench(Map.of("gpu.json", GPU, "cpu.json", CPU, "bare.json", NO_REQUEST),
                Map.of("default", PLUS_TEN));
    }

    @Test
    void aProfileWithoutARequestIsSkippedWithOneLineAndTheOthersAreCompared() throws IOException {
        int code = run(new CompareCommand(bench()), file("gpu.json").toString(), file("bare.json").toString());
        assertEquals(0, code, err.toString());
        assertTrue(err.toString().contains("skipped " + dir.resolve("bare.json") + ": no estimate request"),
                err.toString());
        assertTrue(out.toString().contains("+10.00%"), out.toString());
    }

    @Test
    void onlyProfilesWithoutARequestAreBadInputUnlessAPeakLimitIsChecked() throws IOException {
        assertEquals(2, run(new CompareCommand(bench()), file("bare.json").toString()));
        out.getBuffer().setLength(0);
        // 100 MiB allocated (400 − 300) against a 64 MiB limit
        assertEquals(1, run(new CompareCommand(bench()), "--markdown", "--max-peak", "64MiB",
                file("bare.json").toString()));
        String first = out.toString().lines().findFirst().orElseThrow();
        assertTrue(first.startsWith("**FAIL** gpumem verdict: FAIL"), first);
        assertTrue(first.contains("load/allocated: measured 100.00 MiB above --max-peak 64.00 MiB"), first);
        assertTrue(err.toString().contains("gpumem verdict: FAIL"), "also on stderr: " + err);
        assertEquals(0, run(new CompareCommand(bench()), "--max-peak", "0.1GiB", file("bare.json").toString()));
    }

    @Test
    void aBadSizeIsOneLineExitTwo() throws IOException {
        assertEquals(2, run(new CompareCommand(bench()), "--max-peak", "12 bananas", file("gpu.json").toString()));
        assertTrue(err.toString().contains("--max-peak: '12 bananas' is not a size"), err.toString());
    }

    @Test
    void theVerdictLineReachesStdoutAndJunitIsWritten() throws IOException {
        Path xml = dir.resolve("out").resolve("v.xml");
        assertEquals(1, run(new CompareCommand(bench()), "--max-error", "5", "--junit", xml.toString(),
                file("gpu.json").toString()));
        assertTrue(out.toString().contains("gpumem verdict: FAIL"), out.toString());
        String x = Files.readString(xml);
        assertTrue(x.contains("name=\"load/allocated\"") && x.contains("<failure "), x);
    }

    @Test
    void compareTableShowsSignedPercentAndSummary() throws IOException {
        int code = run(new CompareCommand(bench()), file("gpu.json").toString());
        assertEquals(0, code, err.toString());
        String s = out.toString();
        assertTrue(s.contains("+10.00%"), s);
        assertTrue(s.contains("+10.00"), "10 MiB error in the MiB column");
        assertTrue(s.contains("MiB"));
        assertFalse(s.contains(" MB") || s.contains(" GB"));
        assertTrue(s.contains("names no GPU"), "a GPU profile whose request names no card says so: " + s);
    }

    @Test
    void aProfileWhoseRequestWasFilledWithTheMeasuredCardHasNoNoGpuNote() throws IOException {
        // what measure records now: the request's gpu filled from the device it ran on
        Profile filled = new Profile(GPU.schemaVersion(), GPU.provenance(), GPU.request().withGpu(
                new dev.gpumem.estimate.GpuSpec("h100-80gb", 81559 * MIB, dev.gpumem.estimate.GpuSpec.GpuArch.HOPPER)),
                GPU.command(), GPU.baseline(), GPU.phases(), GPU.samples(), GPU.sampleRateHz(), GPU.events());
        FakeWorkbench bench = new FakeWorkbench(Map.of("gpu.json", filled), Map.of("default", PLUS_TEN));
        assertEquals(0, run(new CompareCommand(bench), file("gpu.json").toString()), err.toString());
        assertTrue(out.toString().contains("+10.00%"), out.toString());
        assertFalse(out.toString().contains("names no GPU"), out.toString());
    }

    @Test
    void compareJsonKeepsAbsentAsNull() throws IOException {
        int code = run(new CompareCommand(bench()), "--json", file("cpu.json").toString());
        assertEquals(0, code, err.toString());
        String s = out.toString();
        assertTrue(s.contains("\"measured_bytes\" : null"), s);
        assertTrue(s.contains("\"median_abs_rel_err\""), s);
    }

    @Test
    void compareMarkdownIsATable() throws IOException {
        run(new CompareCommand(bench()), "--markdown", file("gpu.json").toString());
        // text columns left-aligned (:---), numbers right-aligned (---:)
        assertTrue(out.toString().contains("| :--- | :--- | :--- | ---: |"), out.toString());
    }

    @Test
    void maxErrorExceededExitsOne() throws IOException {
        Path f = file("gpu.json");
        assertEquals(1, run(new CompareCommand(bench()), "--max-error", "5", f.toString()));
        assertTrue(err.toString().contains("above --max-error"), err.toString());
        assertEquals(0, run(new CompareCommand(bench()), "--max-error", "10.5", f.toString()));
    }

    @Test
    void jsonAndMarkdownTogetherAreBadInput() throws IOException {
        assertEquals(2, run(new CompareCommand(bench()), "--json", "--markdown", file("gpu.json").toString()));
    }

    @Test
    void missingProfileFileIsOneLineExitTwo() {
        assertEquals(2, run(new CompareCommand(bench()), dir.resolve("nope.json").toString()));
        String e = err.toString().strip();
        assertTrue(e.startsWith("gpumem: error: PROFILE: no such file"), e);
        assertFalse(e.contains("\n"));
    }

    @Test
    void calibrateRefusesCpuProfilesWithExitTwo() throws IOException {
        assertEquals(2, run(new CalibrateCommand(bench()), "--out", dir.resolve("c.json").toString(),
                file("cpu.json").toString()));
        assertTrue(err.toString().contains("not a GPU"), err.toString());
        assertFalse(Files.exists(dir.resolve("c.json")));
    }

    @Test
    void calibrateWritesAFileThatReadsBack() throws IOException {
        Path target = dir.resolve("cal").resolve("h100.json");
        assertEquals(0, run(new CalibrateCommand(bench()), "--out", target.toString(), file("gpu.json").toString()),
                err.toString());
        DeviceCalibration c = CalibrationJson.fromJson(Files.readString(target), target.toString());
        // load phase: measured device 100 MiB, measured reserved 100 MiB → context 0
        assertEquals(0, c.contextBytes());
        assertEquals("nvidia-h100-80gb-hbm3", c.gpuSlug());
        assertEquals(List.of("gpu.json"), c.sourceProfiles());
    }

    @Test
    void reportWritesIndexAndImages() throws IOException {
        Path outDir = dir.resolve("report");
        assertEquals(0, run(new ReportCommand(bench()), "--out", outDir.toString(), file("gpu.json").toString(),
                file("cpu.json").toString()), err.toString());
        assertTrue(Files.exists(outDir.resolve("index.html")));
        try (var files = Files.list(outDir)) {
            assertEquals(5, files.filter(f -> f.toString().endsWith(".png")).count());
        }
    }

    @Test
    void compareReadsProfileFilesWrittenByMeasure() throws IOException {
        Path written = dev.gpumem.io.ProfileFiles.write(GPU, dir.resolve("profiles"));
        Workbench estimatesOnly = new Workbench() {
            @Override
            Estimate estimate(dev.gpumem.estimate.RunConfig request) {
                return PLUS_TEN;
            }
        };
        assertEquals(0, run(new CompareCommand(estimatesOnly), "--json", written.toString()), err.toString());
        assertTrue(out.toString().contains("\"error_rel\" : 0.1"), out.toString());
    }

    @Test
    void calibrationReplacesTheShippedDeviceConstantsOfItsArchitecture() throws Exception {
        // a gpt2 request on an H100 (Hopper), measured 2 GiB per process at load
        dev.gpumem.estimate.RunConfig request = dev.gpumem.estimate.RunConfig.training("gpt2",
                dev.gpumem.estimate.RunConfig.Precision.FP32, dev.gpumem.estimate.RunConfig.Optimizer.ADAMW, 1, 128)
                .withGpu(new dev.gpumem.estimate.GpuSpec("h100-80gb", 80L << 30,
                        dev.gpumem.estimate.GpuSpec.GpuArch.HOPPER));
        Profile p = new Profile(Profile.SCHEMA_VERSION, GPU.provenance(), request, null, GPU.baseline(),
                List.of(Fixtures.measured("load", 0, 10, 2048 * MIB, 2048 * MIB, null, null)), List.of(), 1000,
                List.of());
        Path written = dev.gpumem.io.ProfileFiles.write(p, dir.resolve("profiles"));
        // fitted: 600 MiB context + 20 MiB library memory → the estimator's context becomes 620 MiB
        Path cal = Files.writeString(dir.resolve("cal.json"), CalibrationJson.toJson(new DeviceCalibration(
                "NVIDIA H100 80GB HBM3", "nvidia-h100-80gb-hbm3", dev.gpumem.estimate.GpuSpec.GpuArch.HOPPER,
                600 * MIB, 20 * MIB, 1.0, "test", List.of(), List.of(), null, "0.1.0", "x", List.of())));
        long before = loadDeviceEstimate(written, null);
        long after = loadDeviceEstimate(written, cal);
        // shipped default context 500 MiB (DeviceDefaults.CONTEXT_BYTES) → 620 MiB
        assertEquals(120 * MIB, after - before);
    }

    private long loadDeviceEstimate(Path profile, Path calibration) throws IOException {
        StringWriter o = new StringWriter();
        CommandLine cl = new CommandLine(new CompareCommand());
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(err, true));
        List<String> args = new ArrayList<>(List.of("--json", profile.toString()));
        if (calibration != null) {
            args.addAll(List.of("--calibration", calibration.toString()));
        }
        assertEquals(0, cl.execute(args.toArray(String[]::new)), err.toString());
        var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(o.toString());
        for (var row : root.path("comparisons").get(0).path("rows")) {
            if (row.path("phase").asText().equals("load") && row.path("level").asText().equals("device")) {
                return row.path("estimate_bytes").asLong();
            }
        }
        throw new AssertionError("no load/device row in " + o);
    }

    @Test
    void unreadableProfileIsOneLineExitTwo() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"x\":");
        assertEquals(2, run(new CompareCommand(new Workbench()), bad.toString()));
        assertTrue(err.toString().strip().startsWith("gpumem: error: "), err.toString());
        assertFalse(err.toString().strip().contains("\n"));
    }

    /** @return a validation folder with case a (allocated 100 MiB, the given trust) and, when asked, case b */
    private Path validationFolder(String trust, boolean withB) throws IOException {
        Path v = dir.resolve("validation");
        Files.createDirectories(v);
        Files.writeString(v.resolve("requests.jsonl"), "{\"id\": \"a\"}\n" + (withB ? "{\"id\": \"b\"}\n" : ""));
        Files.writeString(v.resolve("truth.jsonl"), "{\"id\": \"a\", \"metric\": \"allocated\", \"bytes\": "
                + 100 * MIB + ", \"trust\": \"" + trust + "\"}\n"
                + (withB ? "{\"id\": \"b\", \"metric\": \"device\", \"bytes\": 5}\n" : ""));
        return v;
    }

    /** @return a workbench whose estimate of case a is 110 MiB allocated; any other case fails */
    private static FakeWorkbench validatesA() {
        return new FakeWorkbench(Map.of(), Map.of("a", PLUS_TEN));
    }

    @Test
    void validatePrintsScorePyLines() throws IOException {
        // case a: allocated 110 MiB estimated vs 100 MiB true → +0.10; case b: the estimator fails
        Path v = validationFolder("complete", true);
        assertEquals(0, run(new ValidateCommand(validatesA()), "--dir", v.toString(), "--score-py"), err.toString());
        List<String> lines = new ArrayList<>(out.toString().lines().toList());
        assertEquals("median_abs_rel_err=0.100 p90=0.100 scored=1/2", lines.get(lines.size() - 1));
        assertTrue(out.toString().contains("not scored (1): b"), out.toString());
    }

    @Test
    void validatePrintsPercentagesAndSaysWhatTheRowsMean() throws IOException {
        // case a: allocated 110 MiB estimated vs 100 MiB true -> +10 %, an over-estimate
        Path v = validationFolder("partial", false);
        assertEquals(0, run(new ValidateCommand(validatesA()), "--dir", v.toString()), err.toString());
        String text = out.toString();
        assertTrue(text.lines().anyMatch(l -> l.matches("all +1 +10\\.00% +10\\.00% +0% +a \\+10\\.00%")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("partial ")), text);
        assertTrue(text.contains("partial: it leaves part of the run ambiguous\n"), text);
        assertTrue(text.contains("under-estimates: the share of cases whose estimate is below"), text);
        assertTrue(text.strip().endsWith("scored 1 of 1 published cases; median |error| 10.00%, p90 10.00% "
                + "(--score-py prints validation/score.py's lines)"), text);
    }

    @Test
    void validateWithoutFolderIsBadInput() {
        assertEquals(2, run(new ValidateCommand(bench()), "--dir", dir.resolve("none").toString()));
    }
}
