package dev.gpumem.measure.run;

import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.plan.AllocationPlan;
import dev.gpumem.input.BadInputException;
import dev.gpumem.measure.DeviceMemory;
import dev.gpumem.measure.DeviceUnavailableException;
import dev.gpumem.measure.MeasurementSession;
import dev.gpumem.measure.Probe;
import dev.gpumem.measure.RunEvent;
import dev.gpumem.measure.Runner;
import dev.gpumem.measure.RunnerKind;
import dev.gpumem.measure.StopRequest;
import dev.gpumem.measure.cuda.CudaMemory;
import dev.gpumem.measure.djl.DjlRunner;
import dev.gpumem.measure.cuda.CudaRuntime;
import dev.gpumem.measure.external.ExternalCommandRunner;
import dev.gpumem.measure.host.HostMemory;
import dev.gpumem.measure.host.RssProbe;
import dev.gpumem.measure.nvml.Nvml;
import dev.gpumem.measure.nvml.NvmlDevice;
import dev.gpumem.measure.nvml.MultiDeviceProbe;
import dev.gpumem.measure.nvml.NvmlProbe;
import dev.gpumem.measure.replay.ReplayRunner;
import dev.gpumem.model.Inventory;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Consumer;

/** Runs one measurement: target, probe, runner, session. */
public final class Measurements {

    /**
     * A finished measurement.
     *
     * @param measurement the profile and the outcome
     * @param external    the external runner (for its output files), or null
     */
    public record Done(MeasurementSession.Measurement measurement, ExternalCommandRunner external) {
    }

    private Measurements() {
    }

    /**
     * @param notices receives one-line notices for the user (e.g. "no GPU: measuring on the CPU")
     * @throws DeviceUnavailableException when the device asked for cannot be used (exit code 3)
     * @throws BadInputException when the spec does not fit the runner (exit code 2)
     */
    public static Done run(MeasureSpec spec, MeasurementSession.Setup setup, Consumer<String> notices)
            throws InterruptedException {
        return run(spec, setup, notices, new StopRequest(), request -> null);
    }

    /**
     * As {@link #run(MeasureSpec, MeasurementSession.Setup, Consumer)}, ending the workload early when {@code stop}
     * is requested (the outcome is then {@link dev.gpumem.measure.RunOutcome.Interrupted}, with the phases so far).
     */
    public static Done run(MeasureSpec spec, MeasurementSession.Setup setup, Consumer<String> notices,
                           StopRequest stop) throws InterruptedException {
        return run(spec, setup, notices, stop, request -> null);
    }

    /**
     * As {@link #run(MeasureSpec, MeasurementSession.Setup, Consumer, StopRequest)}; an external command also gets
     * {@value ExternalCommandRunner#REQUEST_ENV}: the file {@code requestExport} wrote the request to, as filled with
     * the device (called once, before the child starts; it returns null to give the child none).
     */
    public static Done run(MeasureSpec spec, MeasurementSession.Setup setup, Consumer<String> notices,
                           StopRequest stop, Function<RunConfig, Path> requestExport) throws InterruptedException {
        Gpu gpu = spec.forceCpu() ? null : openGpu(spec, notices);
        try (Probe probe = gpu == null ? new RssProbe() : probeFor(gpu, spec)) {
            // the device is known now: a request without a gpu gets it before the plan is made and the profile
            // records the request as filled
            DeviceGpuFill.Filled filled = DeviceGpuFill.fill(spec.request(), probe.device(), spec.presets());
            RunConfig request = filled.request();
            ExternalCommandRunner external = null;
            Runner runner;
            switch (spec.kind()) {
                case REPLAY, REPLAY_CCA -> runner = replay(spec, request, gpu);
                case EXTERNAL -> {
                    Path exported = request == null ? null : requestExport.apply(request);
                    external = new ExternalCommandRunner(spec.command(), spec.workDir(), gpu == null,
                            exported == null ? Map.of()
                                    : Map.of(ExternalCommandRunner.REQUEST_ENV, exported.toAbsolutePath().toString()));
                    runner = external;
                }
                case DJL -> runner = djl(request, spec.inventory(), gpu);
                default -> throw new IllegalStateException("unknown runner " + spec.kind());
            }
            MeasurementSession session = new MeasurementSession(probe, new MeasurementSession.Setup(
                    setup.toolVersion(), setup.gitCommit(), setup.host(), request, setup.command(), setup.sampleHz(),
                    setup.timeout()), stop);
            for (String note : filled.notes()) {
                session.event(new RunEvent(RunEvent.Kind.NOTE, null, note, null));
            }
            if (gpu == null && spec.kind() != RunnerKind.EXTERNAL && System.getenv("MALLOC_MMAP_THRESHOLD_") == null) {
                session.event(new RunEvent(RunEvent.Kind.NOTE, null, "MALLOC_MMAP_THRESHOLD_ is not set for this JVM: "
                        + "freed host blocks below glibc's dynamic mmap threshold (at most 32 MiB) may stay resident",
                        null));
            }
            MeasurementSession.Measurement m = session.run(runner);
            return new Done(m, external);
        }
    }

    private record Gpu(Nvml nvml, NvmlDevice device) {
    }

    /** GPU {@code --device} (or 0); without --device a missing GPU means the CPU twin, with a notice. */
    private static Gpu openGpu(MeasureSpec spec, Consumer<String> notices) {
        int index = spec.device() != null ? spec.device() : spec.devices().isEmpty() ? 0 : spec.devices().get(0);
        Nvml nvml;
        try {
            nvml = Nvml.open();
        } catch (DeviceUnavailableException e) {
            if (spec.device() != null || !spec.devices().isEmpty()) {
                throw e;
            }
            notices.accept("no GPU (" + e.getMessage() + "): measuring on the CPU");
            return null;
        }
        try {
            if (spec.device() == null && spec.devices().isEmpty() && nvml.deviceCount() == 0) {
                nvml.close();
                notices.accept("no GPU (NVML sees no device): measuring on the CPU");
                return null;
            }
            return new Gpu(nvml, nvml.device(index));
        } catch (RuntimeException e) {
            nvml.close();
            throw e;
        }
    }

    private static Probe probeFor(Gpu gpu, MeasureSpec spec) {
        // an external job over several GPUs (torchrun's workers): every GPU, or those --devices names
        if (spec.kind() == RunnerKind.EXTERNAL && spec.device() == null
                && (!spec.devices().isEmpty() || gpu.nvml().deviceCount() > 1)) {
            return new MultiDeviceProbe(gpu.nvml(), spec.devices().isEmpty()
                    ? MultiDeviceProbe.allDevices(gpu.nvml()) : spec.devices());
        }
        String runtime = null;
        if (spec.kind() != RunnerKind.EXTERNAL) {
            CudaRuntime cuda = CudaRuntime.open();
            runtime = Nvml.cudaVersion(cuda.runtimeVersion());
        }
        return new NvmlProbe(gpu.nvml(), gpu.device(), runtime);
    }

    /** The DJL training step, on the CPU twin or on the GPU NVML opened (same index for CUDA). */
    private static Runner djl(RunConfig request, Inventory inventory, Gpu gpu) {
        if (request == null || inventory == null) {
            throw new BadInputException("request: the djl backend needs a request (--request FILE.json or "
                    + "--model ...)");
        }
        return DjlRunner.of(inventory, request, gpu == null ? null : gpu.device().index());
    }

    private static DeviceMemory memory(MeasureSpec spec, Gpu gpu) {
        if (gpu == null) {
            return new HostMemory(spec.hostLimitBytes());
        }
        return new CudaMemory(CudaRuntime.open(), gpu.device().index());
    }

    /** The plan of the request as filled, replayed on the device (planned before any device memory is taken). */
    private static Runner replay(MeasureSpec spec, RunConfig request, Gpu gpu) {
        AllocationPlan plan = spec.planner() == null ? null : spec.planner().apply(request);
        if (plan == null || plan.events().isEmpty()) {
            throw new BadInputException("replay: the estimator produced an empty allocation plan for this "
                    + "request; nothing to replay");
        }
        if (spec.kind() == RunnerKind.REPLAY_CCA && spec.allocatorModel() == null) {
            throw new BadInputException("backend: replay-cca needs the caching-allocator model, which this "
                    + "build does not have yet; use --backend replay");
        }
        DeviceMemory memory = memory(spec, gpu);
        if (spec.kind() == RunnerKind.REPLAY) {
            return ReplayRunner.direct(plan, memory);
        }
        return ReplayRunner.caching(plan, memory, spec.allocatorModel());
    }
}
