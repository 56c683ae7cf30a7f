package dev.gpumem.compare;

import dev.gpumem.estimate.Level;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.Reading;

/**
 * Which measured number each estimate level is compared with, and which baseline it subtracts.
 *
 * <p>GPU (and stub) profiles:
 * <ul>
 *   <li>allocated: {@link PhaseReading#peakAllocated()}, the framework's own peak counter
 *       (torch.cuda.max_memory_allocated after a reset at phase entry; for replay, the exact live bytes). Nothing
 *       is subtracted: the counter only sees the workload's own tensors.</li>
 *   <li>reserved: {@link PhaseReading#peakReserved()} (torch.cuda.max_memory_reserved). Nothing is subtracted.</li>
 *   <li>device: the estimate's device level includes the process's CUDA context and library workspaces, so it is
 *       compared with what NVML shows for the process: {@link PhaseReading#peakProcess()} (per-process
 *       usedGpuMemory), which needs no baseline. Without a per-process reading, the device-wide peak minus the
 *       baseline's device-wide used is used only when that baseline was taken before the workload's CUDA context
 *       existed, which holds for the external runner (the baseline is read before the child starts). In-process
 *       runners (replay, djl) create their context before the baseline, so for them the difference would leave the
 *       context out: the level is then absent, not a wrong number.</li>
 * </ul>
 * CPU profiles (the host twin, {@link DeviceInfo.Kind#CPU}): only the allocated level is compared, with the resident
 * set's peak in the phase minus the baseline's resident set (the JVM or interpreter itself). The reserved and
 * device levels have no CPU counterpart and are absent.
 *
 * <p>Known limitation: a polled peak ({@link PhaseReading.PeakKind#POLLED_LOWER_BOUND}) is a lower bound, so a
 * device-level over-estimate may partly be a missed peak; the basis says which kind it was.
 */
public final class MeasuredLevels {
    /** Runner wire names whose baseline is read before the workload's CUDA context exists. */
    private static final String EXTERNAL_RUNNER = "external";

    private MeasuredLevels() {
    }

    /** @return what {@code phase} of {@code profile} measured at {@code level} */
    public static Measured of(Profile profile, PhaseReading phase, Level level) {
        DeviceInfo.Kind kind = profile.provenance().device().kind();
        return kind == DeviceInfo.Kind.CPU ? cpu(profile.baseline(), phase, level) : gpu(profile, phase, level);
    }

    private static Measured cpu(Reading baseline, PhaseReading phase, Level level) {
        if (level != Level.ALLOCATED) {
            return Measured.absent("CPU profile: no " + level.wire() + " level on the host");
        }
        long peak = phase.peakProcess() != null ? phase.peakProcess() : phase.peakDevice();
        long base = baseline.processUsed() != null ? baseline.processUsed() : baseline.deviceUsed();
        return Measured.of(peak - base, "RSS peak − baseline RSS");
    }

    private static Measured gpu(Profile profile, PhaseReading phase, Level level) {
        return switch (level) {
            case ALLOCATED -> phase.peakAllocated() != null
                    ? Measured.of(phase.peakAllocated(), "framework peak allocated")
                    : Measured.absent("no framework allocated counter in this phase");
            case RESERVED -> phase.peakReserved() != null
                    ? Measured.of(phase.peakReserved(), "framework peak reserved")
                    : Measured.absent("no framework reserved counter in this phase");
            case DEVICE -> device(profile, phase);
        };
    }

    private static Measured device(Profile profile, PhaseReading phase) {
        String kind = phase.peakKind() == PhaseReading.PeakKind.ACCOUNTING ? "accounting peak" : "polled peak";
        if (phase.peakProcess() != null) {
            return Measured.of(phase.peakProcess(), "NVML per-process used, " + kind);
        }
        if (EXTERNAL_RUNNER.equals(profile.provenance().runner())) {
            return Measured.of(phase.peakDevice() - profile.baseline().deviceUsed(),
                    "NVML device used − pre-context baseline, " + kind);
        }
        return Measured.absent("no per-process reading, and the " + profile.provenance().runner()
                + " runner's baseline already holds its CUDA context");
    }
}
