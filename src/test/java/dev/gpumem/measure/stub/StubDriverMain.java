package dev.gpumem.measure.stub;

import dev.gpumem.cli.Main;
import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.plan.AllocationPlan;
import dev.gpumem.estimate.plan.PlanEvent;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.ProfileFiles;
import dev.gpumem.measure.MeasurementSession;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.ProcessTree;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.Reading;
import dev.gpumem.measure.RunEvent;
import dev.gpumem.measure.RunnerKind;
import dev.gpumem.measure.cuda.CudaRuntime;
import dev.gpumem.measure.nvml.Nvml;
import dev.gpumem.measure.nvml.NvmlDevice;
import dev.gpumem.measure.nvml.NvmlProbe;
import dev.gpumem.measure.run.MeasureSpec;
import dev.gpumem.measure.run.Measurements;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.javacpp.Pointer;

/**
 * Runs in a child JVM whose LD_LIBRARY_PATH holds the stub driver libraries (see {@link StubDriverTest}); prints
 * {@code key=value} lines for the test to check. Each scenario is one process, because JavaCPP loads the libraries
 * once, at class initialisation.
 */
public final class StubDriverMain {
    private StubDriverMain() {
    }

    static final long GIB = 1L << 30;

    public static void main(String[] args) throws Exception {
        String scenario = args[0];
        try {
            switch (scenario) {
                case "full" -> full();
                case "replay-oom" -> replay();
                case "driver-only" -> driverOnly();
                case "probe" -> probe();
                case "cuda-real" -> cudaOverStubDriver();
                case "cli" -> cli(Arrays.copyOfRange(args, 1, args.length));
                default -> throw new IllegalArgumentException(scenario);
            }
        } catch (Throwable t) {
            System.out.println("thrown=" + t.getClass().getSimpleName() + ": " + t.getMessage());
        }
        System.out.flush();
    }

    private static void p(String key, Object value) {
        System.out.println(key + "=" + value);
    }

    static AllocationPlan plan() {
        return new AllocationPlan(List.of(new PlanEvent.PhaseStart(Phase.LOAD),
                new PlanEvent.Alloc(1, "weights", 2 * GIB, Component.WEIGHTS),
                new PlanEvent.PhaseStart(Phase.FORWARD),
                new PlanEvent.Alloc(2, "act", GIB, Component.ACTIVATIONS),
                new PlanEvent.Free(2)));
    }

    private static void full() throws Exception {
        try (Nvml nvml = Nvml.open()) {
            p("route.driverOnly", nvml.driverOnly());
            p("count", nvml.deviceCount());
            p("driver", nvml.driverVersion());
            p("cudaDriver", nvml.cudaDriverVersion());
            p("nvmlVersion", nvml.nvmlVersion());
            NvmlDevice d = nvml.device(0);
            p("name", d.name());
            p("uuid", d.uuid());
            p("v1", d.memoryV1());
            p("v2", d.memoryV2());
            p("accounting", d.accountingEnabled());
            CudaRuntime cuda = CudaRuntime.open();
            p("runtime", cuda.runtimeVersion());
            p("cudaDriverGetVersion", cuda.driverVersion());
            p("cudaDeviceCount", cuda.deviceCount());
            cuda.setDevice(0);
            cuda.initContext();
            Pointer block = cuda.malloc(GIB);
            cuda.memset(block, 0, GIB);
            cuda.synchronize();
            p("memGetInfo", cuda.memGetInfo());
            p("v2.afterMalloc", d.memoryV2());
            p("processes", d.processes());
            p("self", ProcessHandle.current().pid());
            p("accountingSelf", d.accountingMaxMemory(ProcessHandle.current().pid()));
            cuda.free(block);
            p("v2.afterFree", d.memoryV2());
            try {
                cuda.setDevice(5);
            } catch (RuntimeException e) {
                p("setDevice5", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            try {
                cuda.free(new Pointer() { { address = 0x1234; } });
            } catch (RuntimeException e) {
                p("freeUnknown", e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        replay();
    }

    private static void replay() throws Exception {
        MeasureSpec spec = new MeasureSpec(RunnerKind.REPLAY, null, null, r -> plan(), GpuPresetsJson.load(), null,
                List.of(), 0, false, -1, 1000, null, Files.createTempDirectory("stub"));
        MeasurementSession.Setup setup = new MeasurementSession.Setup("test", "unknown", "host", null, null, 1000,
                null);
        Measurements.Done done = Measurements.run(spec, setup, n -> p("notice", n));
        Profile prof = done.measurement().profile();
        p("outcome", done.measurement().outcome());
        p("kind", prof.provenance().device().kind());
        p("testDouble", prof.provenance().testDouble());
        p("runtimeVersion", prof.provenance().device().cudaRuntimeVersion());
        p("baseline.process", prof.baseline().processUsed());
        for (PhaseReading r : prof.phases()) {
            p("phase." + r.phase() + ".start.process", r.start().processUsed());
            p("phase." + r.phase() + ".end.process", r.end().processUsed());
            p("phase." + r.phase() + ".end.device", r.end().deviceUsed());
            p("phase." + r.phase() + ".peakProcess", r.peakProcess());
            p("phase." + r.phase() + ".peakKind", r.peakKind());
            p("phase." + r.phase() + ".peakAllocated", r.peakAllocated());
        }
        for (RunEvent e : prof.events()) {
            p("event." + e.kind(), e.message() + " bytes=" + e.bytes());
        }
        p("samples", prof.samples().size());
        p("rateHz", prof.sampleRateHz());
    }

    private static void driverOnly() {
        try (Nvml nvml = Nvml.open()) {
            p("route.driverOnly", nvml.driverOnly());
            p("count", nvml.deviceCount());
            p("v2", nvml.device(0).memoryV2());
        }
        try {
            CudaRuntime.open();
            p("cuda", "opened");
        } catch (RuntimeException e) {
            p("cuda", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        try {
            CudaRuntime.open();
            p("cudaAgain", "opened");
        } catch (RuntimeException e) {
            p("cudaAgain", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void probe() {
        try (Nvml nvml = Nvml.open()) {
            NvmlProbe probe = new NvmlProbe(nvml, nvml.device(0), null);
            Reading r = probe.read(1, ProcessTree.self());
            p("deviceUsed", r.deviceUsed());
            p("deviceUsedV1", r.deviceUsedV1());
            p("deviceReserved", r.deviceReserved());
            p("processUsed", r.processUsed());
            p("accountingPeak", probe.accountingPeak(ProcessTree.self()));
            for (RunEvent e : probe.foreignProcesses(ProcessTree.self())) {
                p("event." + e.kind(), e.message());
            }
        }
    }

    private static void cudaOverStubDriver() {
        CudaRuntime cuda = CudaRuntime.open();
        p("runtime", cuda.runtimeVersion());
        try {
            cuda.setDevice(0);
            p("setDevice", "ok");
        } catch (RuntimeException e) {
            p("setDevice", e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Runs CLI invocations separated by {@code ::}; keys of invocation i are prefixed with "i.". */
    private static void cli(String[] all) {
        List<List<String>> invocations = new java.util.ArrayList<>();
        invocations.add(new java.util.ArrayList<>());
        for (String a : all) {
            if (a.equals("::")) {
                invocations.add(new java.util.ArrayList<>());
            } else {
                invocations.get(invocations.size() - 1).add(a);
            }
        }
        for (int i = 0; i < invocations.size(); i++) {
            cliOnce(i + ".", invocations.get(i).toArray(new String[0]));
        }
    }

    private static void cliOnce(String prefix, String[] args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        p(prefix + "exit", code);
        for (String line : out.toString().split("\n")) {
            p(prefix + "out", line);
        }
        for (String line : err.toString().split("\n")) {
            p(prefix + "err", line);
        }
        for (String line : out.toString().split("\n")) {
            if (line.startsWith("profile: ")) {
                try {
                    Path file = Path.of(line.substring("profile: ".length()));
                    p(prefix + "profileTestDouble", Files.readString(file).contains("\"test_double\" : true"));
                    Profile prof = ProfileFiles.read(file);
                    p(prefix + "profileGpu", prof.request() == null ? null : prof.request().gpu());
                    for (RunEvent e : prof.events()) {
                        p(prefix + "profileEvent." + e.kind(), e.message());
                    }
                    for (dev.gpumem.measure.RankReading r : prof.ranks()) {
                        String k = prefix + "profileRank." + r.rank() + ".";
                        p(k + "device", r.device());
                        p(k + "peakDevice", r.peak().device());
                        p(k + "peakProcess", r.peak().process());
                    }
                    for (dev.gpumem.measure.DeviceReading d : prof.devices()) {
                        String k = prefix + "profileDevice." + d.index() + ".";
                        p(k + "uuid", d.uuid());
                        p(k + "peakUsed", d.peakUsed());
                        p(k + "peakReserved", d.peakReserved());
                        p(k + "peakWatched", d.peakWatched());
                    }
                } catch (java.io.IOException e) {
                    p(prefix + "profileTestDouble", e);
                }
            }
        }
    }
}
