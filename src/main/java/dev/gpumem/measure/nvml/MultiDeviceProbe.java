package dev.gpumem.measure.nvml;

import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.DeviceReading;
import dev.gpumem.measure.ProcessTree;
import dev.gpumem.measure.Probe;
import dev.gpumem.measure.RankEnvironment;
import dev.gpumem.measure.Reading;
import dev.gpumem.measure.RunEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads several GPUs through NVML at once, for a distributed job (torchrun's workers, one per GPU). The job-wide
 * reading sums every device: device used (v2 used, v1 where v2 is not supported), v1 used, v2 reserved, and the
 * watched processes' use from each device's process list. {@link #forRank} gives the probe of one rank: its
 * device-wide figures are those of the rank's own GPU (the first device whose process list shows one of the rank's
 * processes; before that, the device its LOCAL_RANK, else its RANK, names, when that device is sampled) and its
 * per-process figure is its processes' use on that GPU; while neither tells its GPU, both are summed over every
 * device. Every read
 * updates each device's peaks ({@link #devicePeaks}). NVML creates no CUDA context.
 *
 * <p>Known limitation: LOCAL_RANK is taken as an NVML index; under a CUDA_VISIBLE_DEVICES that reorders the GPUs it
 * is the process list, not LOCAL_RANK, that tells the rank's device.
 */
public final class MultiDeviceProbe implements Probe {
    private final Nvml nvml;
    private final List<Gpu> gpus;
    private final DeviceInfo info;

    /** One sampled GPU with what was seen on it. */
    private static final class Gpu {
        final NvmlDevice device;
        final DeviceInfo info;
        volatile boolean v2Supported = true;
        volatile boolean processesSupported = true;
        long peakUsed;
        Long peakReserved;
        Long peakWatched;

        Gpu(NvmlDevice device, DeviceInfo info) {
            this.device = device;
            this.info = info;
        }
    }

    /** What one GPU shows now. */
    private record Snapshot(long used, long usedV1, Long reserved, List<NvmlDevice.ProcessUse> processes) {
        Long useOf(long[] pids) {
            if (processes == null) {
                return null;
            }
            long sum = 0;
            for (NvmlDevice.ProcessUse p : processes) {
                if (p.used() >= 0 && contains(pids, p.pid())) {
                    sum += p.used();
                }
            }
            return sum;
        }

        boolean holdsAny(long[] pids) {
            if (processes == null) {
                return false;
            }
            for (NvmlDevice.ProcessUse p : processes) {
                if (contains(pids, p.pid())) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * @param nvml    an open session; the probe closes it
     * @param indices the GPUs to read (NVML indices), at least one
     * @throws dev.gpumem.measure.DeviceUnavailableException when an index names no GPU
     */
    public MultiDeviceProbe(Nvml nvml, List<Integer> indices) {
        this.nvml = Objects.requireNonNull(nvml, "nvml");
        if (indices.isEmpty()) {
            throw new IllegalArgumentException("no devices");
        }
        List<Gpu> list = new ArrayList<>();
        for (int index : indices) {
            NvmlDevice d = nvml.device(index);
            list.add(new Gpu(d, NvmlProbe.describe(nvml, d, null)));
        }
        this.gpus = List.copyOf(list);
        this.info = gpus.get(0).info;
    }

    /** @return every GPU NVML sees, in index order */
    public static List<Integer> allDevices(Nvml nvml) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < nvml.deviceCount(); i++) {
            out.add(i);
        }
        return out;
    }

    /** @return the first sampled GPU's description (the profile's per-device readings list every one) */
    @Override
    public DeviceInfo device() {
        return info;
    }

    @Override
    public Integer deviceIndex() {
        return gpus.size() == 1 ? gpus.get(0).device.index() : null;
    }

    /** Whose processes a job-wide read sums: the job's (they set each device's peak of its own processes) or a rank's. */
    private enum Scope { JOB, RANK }

    @Override
    public Reading read(long tNanos, ProcessTree watched) {
        return sum(tNanos, watched.pids(), Scope.JOB);
    }

    private Reading sum(long tNanos, long[] pids, Scope scope) {
        long used = 0;
        long usedV1 = 0;
        Long reserved = 0L;
        Long process = 0L;
        for (Gpu g : gpus) {
            Snapshot s = snapshot(g);
            Long mine = s.useOf(pids);
            record(g, s, scope == Scope.JOB ? mine : null);
            used += s.used();
            usedV1 += s.usedV1();
            reserved = reserved == null || s.reserved() == null ? null : reserved + s.reserved();
            process = process == null || mine == null ? null : process + mine;
        }
        return new Reading(tNanos, used, usedV1, reserved, process, null, null);
    }

    @Override
    public Probe forRank(ProcessTree rank) {
        return new RankProbe(rank);
    }

    private Snapshot snapshot(Gpu g) {
        NvmlDevice.MemoryV1 v1 = g.device.memoryV1();
        NvmlDevice.MemoryV2 v2 = null;
        if (g.v2Supported) {
            try {
                v2 = g.device.memoryV2();
            } catch (NvmlException e) {
                if (!e.notSupported()) {
                    throw e;
                }
                g.v2Supported = false;
            }
        }
        List<NvmlDevice.ProcessUse> processes = null;
        if (g.processesSupported) {
            try {
                processes = g.device.processes();
            } catch (NvmlException e) {
                if (!e.notSupported() && e.code() != NvmlException.NO_PERMISSION) {
                    throw e;
                }
                g.processesSupported = false;
            }
        }
        return new Snapshot(v2 != null ? v2.used() : v1.used(), v1.used(), v2 != null ? v2.reserved() : null,
                processes);
    }

    private synchronized void record(Gpu g, Snapshot s, Long watched) {
        g.peakUsed = Math.max(g.peakUsed, s.used());
        if (s.reserved() != null) {
            g.peakReserved = g.peakReserved == null ? s.reserved() : Math.max(g.peakReserved, s.reserved());
        }
        if (watched != null) {
            g.peakWatched = g.peakWatched == null ? watched : Math.max(g.peakWatched, watched);
        }
    }

    @Override
    public List<DeviceReading> devicePeaks() {
        List<DeviceReading> out = new ArrayList<>();
        synchronized (this) {
            for (Gpu g : gpus) {
                out.add(new DeviceReading(g.device.index(), g.info.uuid(), g.info.name(), g.info.totalBytes(),
                        g.peakUsed, g.peakReserved, g.peakWatched));
            }
        }
        return out;
    }

    @Override
    public List<RunEvent> foreignProcesses(ProcessTree watched) {
        List<RunEvent> out = new ArrayList<>();
        long[] pids = watched.pids();
        long self = ProcessHandle.current().pid();
        for (Gpu g : gpus) {
            try {
                for (NvmlDevice.ProcessUse p : g.device.processes()) {
                    if (p.pid() != self && !contains(pids, p.pid())) {
                        out.add(new RunEvent(RunEvent.Kind.FOREIGN_PROCESS, null, "process " + p.pid()
                                + " also uses GPU " + g.device.index(), p.used() >= 0 ? p.used() : null));
                    }
                }
            } catch (NvmlException e) {
                out.add(new RunEvent(RunEvent.Kind.PROBE_UNAVAILABLE, null, "per-process use on GPU "
                        + g.device.index() + ": " + e.getMessage(), null));
            }
        }
        return out;
    }

    private static boolean contains(long[] pids, long pid) {
        for (long p : pids) {
            if (p == pid) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        nvml.close();
    }

    /** One rank's view: its own GPU once known. */
    private final class RankProbe implements Probe {
        private final ProcessTree tree;
        private volatile Gpu own;
        private volatile boolean seen;
        private volatile RankEnvironment environment;

        RankProbe(ProcessTree tree) {
            this.tree = tree;
            // read now, while the process that was just seen with its RANK is surely there
            long root = tree.rootPid();
            this.environment = root < 0 ? null : RankEnvironment.of(root).orElse(null);
        }

        @Override
        public DeviceInfo device() {
            Gpu g = own;
            return g != null ? g.info : info;
        }

        @Override
        public Integer deviceIndex() {
            Gpu g = own;
            return g != null ? g.device.index() : null;
        }

        @Override
        public Reading read(long tNanos, ProcessTree watched) {
            long[] pids = watched.pids();
            if (!seen) {
                // the process lists are the evidence; until the rank shows in one, its LOCAL_RANK (or RANK) is a guess
                for (Gpu candidate : gpus) {
                    Snapshot s = snapshot(candidate);
                    if (s.holdsAny(pids)) {
                        own = candidate;
                        seen = true;
                        return reading(tNanos, candidate, s, pids);
                    }
                }
                if (own == null) {
                    own = guess();
                }
            }
            Gpu g = own;
            return g == null ? sum(tNanos, pids, Scope.RANK) : reading(tNanos, g, snapshot(g), pids);
        }

        /** @return the GPU of the rank's LOCAL_RANK, else of its RANK (one node), when that GPU is sampled */
        private Gpu guess() {
            RankEnvironment env = environment;
            long root = tree.rootPid();
            if (env == null && root >= 0) {
                env = RankEnvironment.of(root).orElse(null);
                environment = env;
            }
            Integer local = env == null ? null : env.localRank() != null ? env.localRank() : Integer.valueOf(env.rank());
            if (local == null) {
                return null;
            }
            for (Gpu g : gpus) {
                if (g.device.index() == local) {
                    return g;
                }
            }
            return null;
        }

        private Reading reading(long tNanos, Gpu g, Snapshot s, long[] pids) {
            record(g, s, null);
            return new Reading(tNanos, s.used(), s.usedV1(), s.reserved(), s.useOf(pids), null, null);
        }
    }
}
