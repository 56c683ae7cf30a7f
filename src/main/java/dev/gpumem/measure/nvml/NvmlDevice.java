package dev.gpumem.measure.nvml;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.bytedeco.cuda.global.nvml;
import org.bytedeco.cuda.nvml.nvmlAccountingStats_t;
import org.bytedeco.cuda.nvml.nvmlDevice_st;
import org.bytedeco.cuda.nvml.nvmlMemory_t;
import org.bytedeco.cuda.nvml.nvmlMemory_v2_t;
import org.bytedeco.cuda.nvml.nvmlProcessInfo_v2_t;

/** One GPU as NVML sees it. Every call checked ({@link NvmlException}). Thread-safe. */
public final class NvmlDevice {
    private final int index;
    private final nvmlDevice_st handle;

    NvmlDevice(int index, nvmlDevice_st handle) {
        this.index = index;
        this.handle = handle;
    }

    /**
     * nvmlDeviceGetMemoryInfo (v1): {@code used} includes driver-reserved memory.
     *
     * @param total bytes
     * @param free  bytes
     * @param used  bytes (reserved + allocated)
     */
    public record MemoryV1(long total, long free, long used) {
    }

    /**
     * nvmlDeviceGetMemoryInfo_v2: {@code reserved} (driver / firmware) separately.
     *
     * @param total    bytes
     * @param reserved bytes reserved for system use
     * @param free     bytes
     * @param used     bytes in use (what nvidia-smi shows)
     */
    public record MemoryV2(long total, long reserved, long free, long used) {
    }

    /**
     * One process's use (nvmlProcessInfo_v2_t).
     *
     * @param pid  host pid
     * @param used bytes, or -1 when NVML does not know (NVML_VALUE_NOT_AVAILABLE)
     */
    public record ProcessUse(long pid, long used) {
    }

    public int index() {
        return index;
    }

    public String name() {
        byte[] buf = new byte[96];
        Nvml.check(nvml.nvmlDeviceGetName(handle, buf, buf.length), "nvmlDeviceGetName");
        return Nvml.cString(buf);
    }

    public String uuid() {
        byte[] buf = new byte[96];
        Nvml.check(nvml.nvmlDeviceGetUUID(handle, buf, buf.length), "nvmlDeviceGetUUID");
        return Nvml.cString(buf);
    }

    public MemoryV1 memoryV1() {
        try (nvmlMemory_t m = new nvmlMemory_t()) {
            Nvml.check(nvml.nvmlDeviceGetMemoryInfo(handle, m), "nvmlDeviceGetMemoryInfo");
            return new MemoryV1(m.total(), m._free(), m.used());
        }
    }

    public MemoryV2 memoryV2() {
        try (nvmlMemory_v2_t m = new nvmlMemory_v2_t()) {
            m.version(nvml.nvmlMemory_v2);
            Nvml.check(nvml.nvmlDeviceGetMemoryInfo_v2(handle, m), "nvmlDeviceGetMemoryInfo_v2");
            return new MemoryV2(m.total(), m.reserved(), m._free(), m.used());
        }
    }

    /** @return the compute processes on the device (nvmlDeviceGetComputeRunningProcesses_v3) */
    public List<ProcessUse> processes() {
        int capacity = 16;
        for (int attempt = 0; attempt < 4; attempt++) {
            int[] count = {capacity};
            try (nvmlProcessInfo_v2_t infos = new nvmlProcessInfo_v2_t(capacity)) {
                int rc = nvml.nvmlDeviceGetComputeRunningProcesses_v3(handle, count, infos);
                if (rc == NvmlException.INSUFFICIENT_SIZE) {
                    capacity = Math.max(capacity * 2, count[0] + 8);
                    continue;
                }
                Nvml.check(rc, "nvmlDeviceGetComputeRunningProcesses_v3");
                List<ProcessUse> out = new ArrayList<>(count[0]);
                for (int i = 0; i < count[0]; i++) {
                    nvmlProcessInfo_v2_t p = infos.getPointer(i);
                    long used = p.usedGpuMemory();
                    // NVML_VALUE_NOT_AVAILABLE is (unsigned long long) -1
                    out.add(new ProcessUse(Integer.toUnsignedLong(p.pid()), used));
                }
                return out;
            }
        }
        throw new NvmlException("nvmlDeviceGetComputeRunningProcesses_v3", NvmlException.INSUFFICIENT_SIZE,
                "the process list kept growing");
    }

    /** @return true when accounting mode is enabled (read only: gpumem never enables it) */
    public boolean accountingEnabled() {
        int[] mode = new int[1];
        Nvml.check(nvml.nvmlDeviceGetAccountingMode(handle, mode), "nvmlDeviceGetAccountingMode");
        return mode[0] == nvml.NVML_FEATURE_ENABLED;
    }

    /**
     * @return the driver-held maxMemoryUsage of {@code pid}, or empty when NVML has no record of it
     */
    public OptionalLong accountingMaxMemory(long pid) {
        try (nvmlAccountingStats_t s = new nvmlAccountingStats_t()) {
            int rc = nvml.nvmlDeviceGetAccountingStats(handle, (int) pid, s);
            if (rc == NvmlException.NOT_FOUND) {
                return OptionalLong.empty();
            }
            Nvml.check(rc, "nvmlDeviceGetAccountingStats");
            return OptionalLong.of(s.maxMemoryUsage());
        }
    }
}
