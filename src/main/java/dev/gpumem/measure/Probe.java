package dev.gpumem.measure;

import java.util.List;
import java.util.OptionalLong;

/**
 * Reads memory now. A probe never allocates device memory and never creates a CUDA context of its own (NVML and
 * /proc reads only; {@code cudaMemGetInfo} only where the runner already holds a context).
 *
 * <p>Thread-safety: {@link #read} is called concurrently from the {@link Sampler} thread and from the harness
 * thread at phase boundaries, so implementations must be safe for that (NVML and /proc reads are).
 *
 * <p>Implementations: {@code measure.host.RssProbe} (resident set of the watched processes, the CPU twin) and
 * {@code measure.nvml.NvmlProbe} (NVML v2 device-wide used, v1 used, reserved, per-process use, accounting peak).
 */
public interface Probe extends AutoCloseable {

    /** @return the device this probe reads */
    DeviceInfo device();

    /**
     * Reads memory now.
     *
     * @param tNanos  the harness clock's time of the call ({@link PhaseClock#nanos()}), copied into the reading
     * @param watched the workload's processes: per-process figures sum over them
     * @return the reading; a field the probe cannot read is null, never 0
     * @throws ProbeException when the device cannot be read at all
     */
    Reading read(long tNanos, ProcessTree watched);

    /**
     * The driver-held lifetime peak of the watched processes (NVML accounting mode's maxMemoryUsage), exact,
     * where accounting mode is enabled; empty otherwise. A probe never enables it.
     */
    default OptionalLong accountingPeak(ProcessTree watched) {
        return OptionalLong.empty();
    }

    /** Other processes using the device now (one event each), for the profile's record; empty on CPU. */
    default List<RunEvent> foreignProcesses(ProcessTree watched) {
        return List.of();
    }

    /**
     * The probe one rank of a multi-process job is read through: its device-wide figures are those of the rank's
     * own GPU where the probe can tell which it is. This probe itself where there is one device.
     */
    default Probe forRank(ProcessTree rank) {
        return this;
    }

    /** @return the NVML index of the device this probe's device-wide figures come from, or null (CPU, or several) */
    default Integer deviceIndex() {
        return null;
    }

    /** @return per-GPU peaks over every read so far, for a probe over several GPUs; empty otherwise */
    default List<DeviceReading> devicePeaks() {
        return List.of();
    }

    /** Releases the probe's library handles. Never throws. */
    @Override
    default void close() {
    }
}
