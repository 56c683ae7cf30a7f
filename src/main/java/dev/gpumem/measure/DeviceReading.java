package dev.gpumem.measure;

import java.util.Objects;

/**
 * What one GPU of a multi-GPU run showed over the run (every sampled read, phase boundaries included).
 *
 * @param index        NVML device index
 * @param uuid         GPU UUID, or null
 * @param name         product name
 * @param totalBytes   device memory total
 * @param peakUsed     highest device-wide used seen (NVML v2 used; v1 used where v2 is not supported); polled: a
 *                     lower bound
 * @param peakReserved highest NVML v2 reserved (driver/firmware) seen, or null where v2 is not supported
 * @param peakWatched  highest use of the run's own processes on this device (per-process list), or null where the
 *                     driver gives no process list
 */
public record DeviceReading(int index, String uuid, String name, long totalBytes, long peakUsed, Long peakReserved,
                            Long peakWatched) {
    public DeviceReading {
        Objects.requireNonNull(name, "name");
    }
}
