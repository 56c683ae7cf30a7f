package dev.gpumem.measure.nvml;

import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.ProcessTree;
import dev.gpumem.measure.Probe;
import dev.gpumem.measure.Reading;
import dev.gpumem.measure.RunEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Reads a GPU through NVML: device-wide used from nvmlDeviceGetMemoryInfo_v2 (what nvidia-smi shows), v1 used
 * (which includes driver-reserved memory) and v2 reserved beside it, and the watched processes' use from
 * nvmlDeviceGetComputeRunningProcesses_v3. Where v2 is not supported, v1 used stands in and reserved is absent;
 * where the process list is not supported, per-process use is absent. NVML creates no CUDA context.
 *
 * <p>Known limitation: NVML reports host pids; inside a container whose pid namespace differs from the host's, the
 * watched pids do not match and per-process use reads 0 while the device-wide figure is right.
 */
public final class NvmlProbe implements Probe {
    /** names of stub devices (native/nvml_stub.c): profiles made on them are test doubles */
    static final String STUB_NAME_PREFIX = dev.gpumem.measure.ResultsAdmission.STUB_NAME_PREFIX;

    private final Nvml nvml;
    private final NvmlDevice device;
    private final DeviceInfo info;
    private final boolean accounting;
    private volatile boolean v2Supported = true;
    private volatile boolean processesSupported = true;

    /**
     * @param nvml               an open session; the probe closes it
     * @param device             the GPU to read
     * @param cudaRuntimeVersion the CUDA runtime the workload uses, or null
     */
    public NvmlProbe(Nvml nvml, NvmlDevice device, String cudaRuntimeVersion) {
        this.nvml = nvml;
        this.device = device;
        this.info = describe(nvml, device, cudaRuntimeVersion);
        this.accounting = readAccountingMode(device);
    }

    /** @return the device's description: product, UUID, total, driver, CUDA and NVML versions; STUB for stubs */
    static DeviceInfo describe(Nvml nvml, NvmlDevice device, String cudaRuntimeVersion) {
        String name = device.name();
        DeviceInfo.Kind kind = name.toUpperCase(Locale.ROOT).startsWith(STUB_NAME_PREFIX) ? DeviceInfo.Kind.STUB
                : DeviceInfo.Kind.GPU;
        return new DeviceInfo(kind, name, device.uuid(), device.memoryV1().total(), nvml.driverVersion(),
                nvml.cudaDriverVersion(), cudaRuntimeVersion, nvml.nvmlVersion());
    }

    @Override
    public Integer deviceIndex() {
        return device.index();
    }

    private static boolean readAccountingMode(NvmlDevice device) {
        try {
            return device.accountingEnabled();
        } catch (NvmlException e) {
            return false;
        }
    }

    @Override
    public DeviceInfo device() {
        return info;
    }

    /** @return true when the driver keeps per-process peaks (accounting mode enabled by an administrator) */
    public boolean accountingEnabled() {
        return accounting;
    }

    @Override
    public Reading read(long tNanos, ProcessTree watched) {
        NvmlDevice.MemoryV1 v1 = device.memoryV1();
        NvmlDevice.MemoryV2 v2 = null;
        if (v2Supported) {
            try {
                v2 = device.memoryV2();
            } catch (NvmlException e) {
                if (!e.notSupported()) {
                    throw e;
                }
                v2Supported = false;
            }
        }
        Long process = processUse(watched);
        return new Reading(tNanos, v2 != null ? v2.used() : v1.used(), v1.used(), v2 != null ? v2.reserved() : null,
                process, null, null);
    }

    private Long processUse(ProcessTree watched) {
        if (!processesSupported) {
            return null;
        }
        try {
            long[] pids = watched.pids();
            long sum = 0;
            for (NvmlDevice.ProcessUse p : device.processes()) {
                if (p.used() >= 0 && contains(pids, p.pid())) {
                    sum += p.used();
                }
            }
            return sum;
        } catch (NvmlException e) {
            if (!e.notSupported() && e.code() != NvmlException.NO_PERMISSION) {
                throw e;
            }
            processesSupported = false;
            return null;
        }
    }

    private static boolean contains(long[] pids, long pid) {
        for (long p : pids) {
            if (p == pid) {
                return true;
            }
        }
        return false;
    }

    /** Exact only for a single watched process with an accounting record; empty otherwise. */
    @Override
    public OptionalLong accountingPeak(ProcessTree watched) {
        if (!accounting) {
            return OptionalLong.empty();
        }
        long[] pids = watched.pids();
        if (pids.length != 1) {
            return OptionalLong.empty();
        }
        try {
            return device.accountingMaxMemory(pids[0]);
        } catch (NvmlException e) {
            return OptionalLong.empty();
        }
    }

    @Override
    public List<RunEvent> foreignProcesses(ProcessTree watched) {
        List<RunEvent> out = new ArrayList<>();
        try {
            long[] pids = watched.pids();
            long self = ProcessHandle.current().pid();
            for (NvmlDevice.ProcessUse p : device.processes()) {
                if (p.pid() != self && !contains(pids, p.pid())) {
                    out.add(new RunEvent(RunEvent.Kind.FOREIGN_PROCESS, null, "process " + p.pid()
                            + " also uses the GPU", p.used() >= 0 ? p.used() : null));
                }
            }
        } catch (NvmlException e) {
            out.add(new RunEvent(RunEvent.Kind.PROBE_UNAVAILABLE, null, "per-process use: " + e.getMessage(), null));
        }
        if (!v2Supported) {
            out.add(new RunEvent(RunEvent.Kind.PROBE_UNAVAILABLE, null,
                    "nvmlDeviceGetMemoryInfo_v2 is not supported: device used is v1 used (includes reserved)", null));
        }
        return out;
    }

    @Override
    public void close() {
        nvml.close();
    }
}
