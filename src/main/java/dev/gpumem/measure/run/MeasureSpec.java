package dev.gpumem.measure.run;

import dev.gpumem.estimate.GpuPresets;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.alloc.CachingAllocatorModel;
import dev.gpumem.estimate.plan.AllocationPlan;
import dev.gpumem.measure.RunnerKind;
import dev.gpumem.model.Inventory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Everything a measurement needs, as the CLI parsed it.
 *
 * @param kind           the runner
 * @param request        the estimate request the workload follows, or null (external command without one); when it
 *                       names no GPU, the measurement fills in the device it runs on before planning
 * @param inventory      the request's model as the workload runs it (loaded once by the caller), or null without a
 *                       request; the djl backend builds its step from it
 * @param planner        makes the allocation plan for replay / replay-cca from the request as filled, or null
 * @param presets        the GPU presets a detected device is matched against by product name
 * @param allocatorModel makes the caching-allocator model for replay-cca, or null
 * @param command        the external command, or empty
 * @param device         GPU index asked for with --device, or null for "GPU 0 if there is one, else the CPU"
 * @param forceCpu       --cpu: measure on the CPU twin even where a GPU exists
 * @param hostLimitBytes the CPU twin's "device size" for replay (allocations beyond it are out of memory), or -1
 * @param sampleHz       requested sample rate
 * @param timeout        time limit for the workload, or null
 * @param workDir        folder for the child's stdout, stderr and markers files
 * @param devices        GPU indices asked for with --devices (an external command's job over several GPUs), or
 *                       empty: then an external command on a machine with several GPUs is measured on all of them
 */
public record MeasureSpec(RunnerKind kind, RunConfig request, Inventory inventory,
                          Function<RunConfig, AllocationPlan> planner, GpuPresets presets,
                          Function<CachingAllocatorModel.SegmentSource, CachingAllocatorModel> allocatorModel,
                          List<String> command, Integer device, boolean forceCpu, long hostLimitBytes,
                          double sampleHz, Duration timeout, Path workDir, List<Integer> devices) {
    public MeasureSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(presets, "presets");
        command = List.copyOf(command);
        Objects.requireNonNull(workDir, "workDir");
        devices = devices == null ? List.of() : List.copyOf(devices);
    }

    /** A spec without --devices. */
    public MeasureSpec(RunnerKind kind, RunConfig request, Inventory inventory,
                       Function<RunConfig, AllocationPlan> planner, GpuPresets presets,
                       Function<CachingAllocatorModel.SegmentSource, CachingAllocatorModel> allocatorModel,
                       List<String> command, Integer device, boolean forceCpu, long hostLimitBytes,
                       double sampleHz, Duration timeout, Path workDir) {
        this(kind, request, inventory, planner, presets, allocatorModel, command, device, forceCpu, hostLimitBytes,
                sampleHz, timeout, workDir, List.of());
    }
}
