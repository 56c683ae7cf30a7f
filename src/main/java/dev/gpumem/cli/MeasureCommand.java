package dev.gpumem.cli;

import dev.gpumem.compare.Comparison;
import dev.gpumem.compare.ComparisonSummary;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.alloc.PytorchCachingAllocator;
import dev.gpumem.estimate.plan.AllocationPlan;
import dev.gpumem.input.PrintableText;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.ProfileFiles;
import dev.gpumem.io.RequestFiles;
import dev.gpumem.io.RequestJson;
import dev.gpumem.measure.MeasurementSession;
import dev.gpumem.measure.ProbeException;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RunOutcome;
import dev.gpumem.measure.RunnerKind;
import dev.gpumem.measure.StopRequest;
import dev.gpumem.measure.djl.DjlSupport;
import dev.gpumem.measure.external.ExternalCommandRunner;
import dev.gpumem.measure.run.MeasureSpec;
import dev.gpumem.measure.run.Measurements;
import dev.gpumem.model.Inventory;
import dev.gpumem.report.ComparisonTextWriter;
import dev.gpumem.report.ProfileTableWriter;
import dev.gpumem.units.ByteFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code gpumem measure}: runs a workload on the GPU (or its CPU twin) and records a memory profile.
 *
 * <p>Exit codes: 0 the workload completed (and passed every limit given); 1 it ran out of memory (a result: the
 * profile says where), or a limit (--max-error, --max-peak, --budget-from) was breached; a failing child's own exit
 * status, passed through; 2 bad input (also: --out is not a directory); 3 no usable device with --device; 4 the
 * child timed out, could not start or was killed by a signal; 74 --out cannot be written (checked before the
 * workload starts; a profile that still cannot be written at the end goes to {@link ProfileFiles#fallbackDir()},
 * and the run exits 74); 130 / 143 stopped by SIGINT / SIGTERM, the profile of the phases so far written
 * (docs/measuring-safety.md, docs/ci-verdicts.md).
 */
@Command(name = "measure", mixinStandardHelpOptions = true,
        description = {"Runs a workload on the device (or CPU) and records a memory profile.",
            "  gpumem measure --backend replay --request req.json",
            "  gpumem measure --timeout 600 -- python3 scripts/torch_step.py --request req.json"})
public final class MeasureCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--backend", paramLabel = "KIND",
            description = "replay, replay-cca, djl or external (default: external with a command, else replay)")
    String backend;

    @Option(names = "--request", paramLabel = "FILE.json",
            description = "the estimate request (REQUEST-SCHEMA.md); request flags override its fields")
    Path requestFile;

    @Mixin
    RequestOptions requestOptions;

    @Option(names = "--device", paramLabel = "N",
            description = "GPU index (NVML order; set CUDA_DEVICE_ORDER=PCI_BUS_ID so CUDA agrees). "
                    + "Default: GPU 0 if there is one, else the CPU")
    Integer device;

    @Option(names = "--devices", paramLabel = "N,N,...", split = ",",
            description = "an external command's job over several GPUs: sample these (NVML indices) per device and "
                    + "per process, each rank on its own GPU. Default for a command: every GPU when there are several")
    List<Integer> devices;

    @Option(names = "--cpu", description = "measure on the CPU twin (host memory, resident set) even with a GPU")
    boolean cpu;

    @Option(names = "--host-limit-gib", paramLabel = "GiB",
            description = "CPU twin of replay: refuse allocations beyond this many GiB (1024-based) as out of memory")
    Double hostLimitGib;

    @Option(names = "--layers", paramLabel = "N",
            description = "run the model truncated to N blocks (recorded as model_overrides num_hidden_layers = N)")
    Integer layers;

    @Option(names = "--sample-hz", defaultValue = "1000", description = "sampler rate, per second (default 1000)")
    double sampleHz;

    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "kill the workload after this long: seconds, or 90s, 10m, 1h")
    String timeout;

    @Option(names = "--out", paramLabel = "DIR", description = "folder for the profile (default results/<gpu-slug>)")
    Path out;

    @Mixin
    VerdictOptions verdict;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "after --: the command to measure")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        RunnerKind kind = backend == null ? (command.isEmpty() ? RunnerKind.REPLAY : RunnerKind.EXTERNAL)
                : RunnerKind.parse(backend);
        if (kind == RunnerKind.EXTERNAL && command.isEmpty()) {
            throw UserError.badInput("command: the external backend needs a command after '--'");
        }
        if (kind != RunnerKind.EXTERNAL && !command.isEmpty()) {
            throw UserError.badInput("backend: a command after '--' is measured by the external backend, not "
                    + kind.wire());
        }
        if (!(sampleHz > 0) || Double.isInfinite(sampleHz)) {
            throw UserError.badInput("sample-hz: must be a positive number, got " + sampleHz);
        }
        Path results = ToolInfo.home().resolve("results");
        Path profileParent = out != null ? out : results;
        requireWritable(profileParent);
        RunConfig request = request();
        if (verdict.maxErrorPercent != null && request == null) {
            throw UserError.badInput("--max-error: needs an estimate to compare with: give --request FILE.json "
                    + "(or --model ...)");
        }
        // one workbench for the whole command: each model (as asked, as run) is read once
        Workbench bench = new Workbench();
        dev.gpumem.compare.Limits limits = verdict.limits(bench);
        if (layers != null) {
            if (request == null) {
                throw UserError.badInput("layers: needs a request (--request FILE.json or --model ...)");
            }
            request = DjlSupport.truncated(request, layers);
        }
        Function<RunConfig, AllocationPlan> planner = null;
        Inventory inventory = null;
        if (kind == RunnerKind.DJL) {
            if (request == null) {
                throw UserError.badInput("request: the djl backend needs a request (--request FILE.json or --model ...)");
            }
            // the profile records what the DJL step runs: the truncation and dropout off (DjlSupport.asRun)
            Inventory asked = bench.inventory(request);
            DjlSupport.check(request, asked.architecture());
            request = DjlSupport.asRun(request, asked.architecture());
            inventory = bench.inventory(request);
        }
        if (kind == RunnerKind.REPLAY || kind == RunnerKind.REPLAY_CCA) {
            if (request == null) {
                throw UserError.badInput("request: replay needs a request (--request FILE.json or --model ...)");
            }
            inventory = bench.inventory(request);
            // planned once the device is known: a request without a gpu gets the measured card's constants, and
            // the plan the same constants as the estimate it is compared with
            planner = bench::plan;
        }
        Duration limit = parseTimeout(timeout);
        Path logs = out != null ? out : results.resolve("logs");
        // one folder per run for the child's stdout, stderr and markers, never shared with another run
        Path workDir = kind == RunnerKind.EXTERNAL ? runFolder(logs, kind) : logs;
        long hostLimit = hostLimitGib == null ? -1 : (long) (hostLimitGib * ByteFormat.GIB);
        MeasureSpec measureSpec = new MeasureSpec(kind, request, inventory, planner, GpuPresetsJson.load(),
                PytorchCachingAllocator::new, command, device, cpu, hostLimit, sampleHz, limit, workDir,
                checkedDevices(kind));
        // the profile records the request as filled with the device it ran on (Measurements)
        MeasurementSession.Setup setup = new MeasurementSession.Setup(VersionProvider.version(),
                ToolInfo.gitCommit(), ToolInfo.host(), request, command.isEmpty() ? null : command, sampleHz,
                measureSpec.timeout());
        StopRequest stop = new StopRequest();
        // from here a SIGINT / SIGTERM stops the workload and the profile so far is still written
        try (SignalStop signals = SignalStop.install(stop, notice -> stderr.println("gpumem: " + notice))) {
            Measurements.Done done;
            try {
                done = Measurements.run(measureSpec, setup, notice -> stderr.println("gpumem: " + notice), stop,
                        filled -> ChildRequest.write(filled, workDir));
            } catch (ProbeException e) {
                // no driver, runtime, device or NVML support, or the device cannot be read at all
                throw new UserError(ExitCode.NO_DEVICE, e.getMessage(), e);
            }
            Profile profile = done.measurement().profile();
            Path dir = out != null ? out : ProfileFiles.defaultDir(results, profile);
            if (profile.provenance().testDouble() && out == null) {
                throw UserError.badInput("out: this profile was measured on stub drivers (a test double) and is "
                        + "never written under results/; give --out DIR outside results/");
            }
            stdout.print(ProfileTableWriter.write(profile));
            stdout.flush();
            Path written = writeOrFallBack(profile, dir, stderr);
            if (written != null) {
                stdout.println("profile: " + written);
            }
            String label = written != null ? written.getFileName().toString() : ProfileFiles.fileName(profile);
            Comparison comparison = printEstimateError(stdout, label, profile, bench);
            stdout.flush();
            int verdictCode = ExitCode.OK.code();
            if (verdict.wanted()) {
                dev.gpumem.compare.Verdict v = dev.gpumem.compare.Verdict.of(
                        List.of(new dev.gpumem.compare.Verdict.Input(label, profile, comparison)), limits);
                verdictCode = verdict.report(v, stdout, stderr, true);
            }
            int runCode = finish(done, written, stdout, stderr);
            if (signals.exitCode().isPresent()) {
                return signals.exitCode().getAsInt();
            }
            if (written == null || !written.startsWith(dir)) {
                return ExitCode.IO_FAILURE.code();
            }
            return runCode != ExitCode.OK.code() ? runCode : verdictCode;
        }
    }

    /** Fails before anything runs when the profile's folder cannot take it: exit 2 for a file, 74 otherwise. */
    private static void requireWritable(Path dir) {
        try {
            ProfileFiles.requireWritableDir(dir);
        } catch (NotDirectoryException e) {
            throw UserError.badInput("out: " + e.getFile() + " is not a directory");
        } catch (IOException e) {
            throw new UserError(ExitCode.IO_FAILURE, "out: cannot write to " + dir + ": " + describe(e), e);
        }
    }

    private static Path runFolder(Path logs, RunnerKind kind) {
        try {
            return ProfileFiles.createRunFolder(logs, Instant.now(), kind.wire());
        } catch (IOException e) {
            throw new UserError(ExitCode.IO_FAILURE, "cannot create the run's output folder in " + logs + ": "
                    + describe(e), e);
        }
    }

    /**
     * Writes the profile into {@code dir}; when that fails, into {@link ProfileFiles#fallbackDir()}, saying so.
     *
     * @return the JSON written, or null when neither folder could take it (the table printed is what remains)
     */
    private static Path writeOrFallBack(Profile profile, Path dir, PrintWriter stderr) {
        try {
            return ProfileFiles.write(profile, dir);
        } catch (IOException | java.io.UncheckedIOException e) {
            stderr.println("gpumem: error: cannot write the profile to " + dir + ": " + describe(e));
        }
        Path fallback = ProfileFiles.fallbackDir();
        try {
            Path written = ProfileFiles.write(profile, fallback);
            stderr.println("gpumem: the profile was written to " + written + " instead");
            return written;
        } catch (IOException | java.io.UncheckedIOException e) {
            stderr.println("gpumem: error: cannot write it to " + fallback + " either: " + describe(e)
                    + "; the table above is all that remains of this run");
            return null;
        }
    }

    /** @return an I/O failure as a short phrase naming the file ("/x/y: No space left on device") */
    static String describe(Exception e) {
        Throwable t = e instanceof java.io.UncheckedIOException u && u.getCause() != null ? u.getCause() : e;
        if (t instanceof java.nio.file.AccessDeniedException a) {
            return "permission denied: " + a.getFile();
        }
        if (t instanceof java.nio.file.FileSystemException f) {
            return (f.getFile() != null ? f.getFile() + ": " : "") + (f.getReason() != null ? f.getReason()
                    : f.getClass().getSimpleName());
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /**
     * The estimator's signed error against what was just measured (as {@code gpumem compare PROFILE} prints it); for
     * a replay, a plan check, and said so first.
     *
     * @return the comparison, or null without a request or an estimate
     */
    private static Comparison printEstimateError(PrintWriter w, String label, Profile profile, Workbench bench) {
        if (profile.request() == null) {
            return null;
        }
        try {
            Comparison c = Comparison.of(label, profile, bench.estimate(profile.request()));
            w.println();
            if (dev.gpumem.compare.Evidence.replaysThePlan(profile)) {
                // replay allocated the estimator's own plan: what follows checks the probe and the plan
                w.println("plan check (replay of the estimator's own plan), not a validation of the estimate;"
                        + " measure with --backend djl or a real script for the estimate's error");
            }
            w.print(ComparisonTextWriter.render(List.of(c), ComparisonSummary.of(List.of(c))));
            return c;
        } catch (IllegalArgumentException e) {
            w.println("no estimate to compare with: " + e.getMessage());
            return null;
        }
    }

    /** @return the request from --request and the request flags (flags win), or null when neither was given */
    private RunConfig request() {
        RequestJson json = new RequestJson(GpuPresetsJson.load());
        Map<String, Object> fields = new LinkedHashMap<>();
        if (requestFile != null) {
            fields.putAll(RequestFiles.readMap(requestFile));
        }
        fields = RequestOptions.merge(fields, requestOptions.toRequest(json));
        if (fields.isEmpty()) {
            return null;
        }
        return json.fromMap(fields);
    }

    /** @return the duration of "30", "30s", "10m", "1h", or null */
    /** @return --devices, checked: only for an external command, not with --device or --cpu, no index twice */
    private List<Integer> checkedDevices(RunnerKind kind) {
        if (devices == null || devices.isEmpty()) {
            return List.of();
        }
        if (kind != RunnerKind.EXTERNAL) {
            throw UserError.badInput("devices: --devices is for a command after '--' (a job over several GPUs); "
                    + "use --device N for the " + kind.name().toLowerCase(Locale.ROOT).replace('_', '-') + " backend");
        }
        if (device != null || cpu) {
            throw UserError.badInput("devices: give --devices or " + (cpu ? "--cpu" : "--device") + ", not both");
        }
        if (devices.stream().anyMatch(d -> d == null || d < 0)) {
            throw UserError.badInput("devices: GPU indices are whole numbers from 0, got " + devices);
        }
        if (devices.stream().distinct().count() != devices.size()) {
            throw UserError.badInput("devices: an index is given twice in " + devices);
        }
        return List.copyOf(devices);
    }

    static Duration parseTimeout(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("s")) {
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("m")) {
            unit = 60;
            t = t.substring(0, t.length() - 1);
        } else if (t.endsWith("h")) {
            unit = 3600;
            t = t.substring(0, t.length() - 1);
        }
        try {
            double seconds = Double.parseDouble(t) * unit;
            if (seconds > 0 && Double.isFinite(seconds)) {
                return Duration.ofMillis((long) (seconds * 1000));
            }
        } catch (NumberFormatException e) {
            // falls through to the error
        }
        throw UserError.badInput("timeout: '" + text + "' is not a duration; accepted: seconds, or 90s, 10m, 1h");
    }

    private static int finish(Measurements.Done done, Path written, PrintWriter stdout, PrintWriter stderr) {
        RunOutcome outcome = done.measurement().outcome();
        if (outcome instanceof RunOutcome.Completed) {
            return ExitCode.OK.code();
        }
        if (outcome instanceof RunOutcome.OutOfMemory oom) {
            stderr.println("gpumem: out of memory in phase " + oom.phase() + " (" + ByteFormat.mib(oom.requestedBytes())
                    + " requested); everything was freed");
            return ExitCode.VERDICT_NEGATIVE.code();
        }
        if (outcome instanceof RunOutcome.Interrupted i) {
            stderr.println("gpumem: interrupted by " + i.cause() + ": the workload was stopped; "
                    + (written != null ? "the profile of the phases so far: " + written : "no profile was written"));
            return ExitCode.WORKLOAD_FAILED.code();
        }
        ExternalCommandRunner ext = done.external();
        if (ext != null) {
            printTail(stderr, "stdout", ext.stdoutFile());
            printTail(stderr, "stderr", ext.stderrFile());
        }
        String why = outcome instanceof RunOutcome.ChildFailed f ? f.message()
                : "timed out after " + ((RunOutcome.TimedOut) outcome).limit().toSeconds() + " s and was killed";
        stderr.println("gpumem: error: the workload failed: " + why);
        if (outcome instanceof RunOutcome.ChildFailed f && f.exitCode() > 0 && f.exitCode() <= 128) {
            return f.exitCode(); // the child's own status, passed through (a CI job fails as it would have)
        }
        return ExitCode.WORKLOAD_FAILED.code();
    }

    private static void printTail(PrintWriter w, String label, Path file) {
        List<String> lines = ExternalCommandRunner.lastLines(file, 20);
        if (lines.isEmpty() || !Files.exists(file)) {
            return;
        }
        w.println("--- last " + lines.size() + " lines of the command's " + label + " (" + file + ")");
        lines.forEach(l -> w.println(PrintableText.escape(l)));
    }

}
