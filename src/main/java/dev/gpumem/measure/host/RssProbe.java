package dev.gpumem.measure.host;

import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.ProbeException;
import dev.gpumem.measure.ProcessTree;
import dev.gpumem.measure.Probe;
import dev.gpumem.measure.Reading;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The CPU twin's probe: resident memory of the watched processes, summed, from {@code /proc/PID/statm} (second
 * field, in pages). Both {@link Reading#deviceUsed()} and {@link Reading#processUsed()} carry that sum; the host's
 * other processes are not the workload's and are left out. A process that ended counts 0.
 *
 * <p>Resident memory follows large tensors to about 1 MiB (../shared/notes/cpu-rss-probe.md). Small freed
 * allocations can stay in malloc arenas unless glibc's mmap threshold is pinned (MALLOC_MMAP_THRESHOLD_=65536).
 */
public final class RssProbe implements Probe {
    private final DeviceInfo device;
    private final long pageSize;

    public RssProbe() {
        this(HostFacts.cpuDevice(), HostFacts.pageSize());
    }

    RssProbe(DeviceInfo device, long pageSize) {
        this.device = device;
        this.pageSize = pageSize;
    }

    @Override
    public DeviceInfo device() {
        return device;
    }

    @Override
    public Reading read(long tNanos, ProcessTree watched) {
        long sum = 0;
        for (long pid : watched.pids()) {
            sum += residentBytes(pid);
        }
        return new Reading(tNanos, sum, null, null, sum, null, null);
    }

    /** @return resident bytes of {@code pid}, 0 when it has ended */
    long residentBytes(long pid) {
        Path statm = pid == ProcessHandle.current().pid() ? Path.of("/proc/self/statm")
                : Path.of("/proc", Long.toString(pid), "statm");
        try {
            return parseStatm(new String(Files.readAllBytes(statm), StandardCharsets.US_ASCII)) * pageSize;
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            if (pid == ProcessHandle.current().pid()) {
                throw new ProbeException("cannot read /proc/self/statm: " + e.getMessage(), e);
            }
            return 0;
        }
    }

    /** @return the resident page count: the second field of a statm line */
    static long parseStatm(String statm) {
        String[] f = statm.trim().split("\\s+");
        if (f.length < 2) {
            throw new ProbeException("unexpected /proc statm content: '" + statm.trim() + "'");
        }
        return Long.parseLong(f[1]);
    }
}
