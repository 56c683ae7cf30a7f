package dev.gpumem.compare;

import dev.gpumem.estimate.Level;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RankReading;
import dev.gpumem.measure.RunPeak;
import dev.gpumem.measure.RunnerKind;
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
 * CPU profiles (the host twin, {@link DeviceInfo.Kind#CPU}): one level is compared, with the resident set's peak in
 * the phase minus the baseline's resident set (the JVM or interpreter itself); which one depends on what the host
 * holds ({@link #hostLevel(Profile)}): allocated for replay, djl and external (live tensors, one host allocation
 * each), reserved for replay-cca (its resident memory is the caching-allocator model's segments, which is what the
 * reserved level estimates). The other two levels have no CPU counterpart and are absent.
 *
 * <p>Known limitation: a polled peak ({@link PhaseReading.PeakKind#POLLED_LOWER_BOUND}) is a lower bound, so a
 * device-level over-estimate may partly be a missed peak; the basis says which kind it was.
 */
public final class MeasuredLevels {
    /** Runner wire names whose baseline is read before the workload's CUDA context exists. */
    private static final String EXTERNAL_RUNNER = "external";

    private MeasuredLevels() {
    }

    /**
     * @return the level a CPU profile's resident memory is compared with: reserved for replay-cca (the host holds
     *         the allocator model's segments), allocated for every other runner
     */
    public static Level hostLevel(Profile profile) {
        return RunnerKind.REPLAY_CCA.wire().equals(profile.provenance().runner()) ? Level.RESERVED : Level.ALLOCATED;
    }

    /**
     * @return what {@code phase} of {@code profile} measured at {@code level}; on the CPU twin counted from the
     *         workload's baseline mark where it made one (its interpreter and imports are not the model's)
     */
    public static Measured of(Profile profile, PhaseReading phase, Level level) {
        DeviceInfo.Kind kind = profile.provenance().device().kind();
        return kind == DeviceInfo.Kind.CPU ? cpu(profile, profile.effectiveBaseline(), phase, level)
                : gpu(profile, phase, level);
    }

    /** @return what {@code phase} of one rank measured at {@code level}, counted from that rank's own baseline */
    public static Measured of(Profile profile, RankReading rank, PhaseReading phase, Level level) {
        DeviceInfo.Kind kind = profile.provenance().device().kind();
        return kind == DeviceInfo.Kind.CPU ? cpu(profile, rank.effectiveBaseline(), phase, level)
                : gpu(profile, phase, level);
    }

    /**
     * @return the run-wide peak at {@code level}: CPU, the resident peak − {@code baseline}; GPU, the framework's
     *         highest phase peak (allocated, reserved: nothing outside a phase is counted by torch's counters) and
     *         the per-process peak (device)
     */
    public static Measured ofRunPeak(Profile profile, RunPeak peak, Reading baseline, Level level) {
        if (profile.provenance().device().kind() == DeviceInfo.Kind.CPU) {
            if (level != hostLevel(profile)) {
                return Measured.absent(noHostLevel(profile, level));
            }
            long top = peak.process() != null ? peak.process() : peak.device();
            long base = baseline.processUsed() != null ? baseline.processUsed() : baseline.deviceUsed();
            return Measured.of(top - base, "run-wide RSS peak − baseline RSS" + hostBasis(profile));
        }
        return switch (level) {
            case ALLOCATED -> peak.allocated() != null
                    ? Measured.of(peak.allocated(), "highest framework peak allocated of any phase")
                    : Measured.absent("no framework allocated counter in any phase");
            case RESERVED -> peak.reserved() != null
                    ? Measured.of(peak.reserved(), "highest framework peak reserved of any phase")
                    : Measured.absent("no framework reserved counter in any phase");
            case DEVICE -> peak.process() != null
                    ? Measured.of(peak.process(), "run-wide NVML per-process peak, polled")
                    : EXTERNAL_RUNNER.equals(profile.provenance().runner())
                            ? Measured.of(peak.device() - profile.baseline().deviceUsed(),
                                    "run-wide NVML device peak − pre-context baseline, polled")
                            : Measured.absent("no per-process reading");
        };
    }

    private static Measured cpu(Profile profile, Reading baseline, PhaseReading phase, Level level) {
        if (level != hostLevel(profile)) {
            return Measured.absent(noHostLevel(profile, level));
        }
        long peak = phase.peakProcess() != null ? phase.peakProcess() : phase.peakDevice();
        long base = baseline.processUsed() != null ? baseline.processUsed() : baseline.deviceUsed();
        return Measured.of(peak - base, "RSS peak − baseline RSS" + hostBasis(profile));
    }

    /** @return the sentence of a CPU profile's level that has no host counterpart */
    private static String noHostLevel(Profile profile, Level level) {
        return "CPU profile: no " + level.wire() + " level on the host (its resident memory is compared with "
                + hostLevel(profile).wire() + ")";
    }

    private static String hostBasis(Profile profile) {
        return hostLevel(profile) == Level.RESERVED ? " (the allocator model's segments: compared with reserved)"
                : "";
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
