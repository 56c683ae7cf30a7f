package dev.gpumem.measure.host;

import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.ProbeException;
import dev.gpumem.measure.ProcessTree;
import dev.gpumem.measure.Probe;
import dev.gpumem.measure.Reading;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The CPU twin's probe: resident memory of the watched processes, summed, from {@code /proc/PID/statm} (second
 * field, in pages). Both {@link Reading#deviceUsed()} and {@link Reading#processUsed()} carry that sum; the host's
 * other processes are not the workload's and are left out. A process that ended counts 0.
 *
 * <p>Resident memory follows large tensors to about 1 MiB (ReplayRunnerTest and the DJL agreement tests rely on it). Small freed
 * allocations can stay in malloc arenas unless glibc's mmap threshold is pinned (MALLOC_MMAP_THRESHOLD_=65536).
 */
public final class RssProbe implements Probe {
    private static final Path SELF_STATM = Path.of("/proc/self/statm");
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
        boolean self = pid == ProcessHandle.current().pid();
        Path statm = self ? SELF_STATM : Path.of("/proc", Long.toString(pid), "statm");
        ByteBuffer buf = ByteBuffer.allocate(256);
        try (FileChannel ch = FileChannel.open(statm, StandardOpenOption.READ)) {
            ch.read(buf, 0);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            if (self) {
                throw new ProbeException("cannot read /proc/self/statm: " + e.getMessage(), e);
            }
            return 0;
        }
        return residentPages(buf.array(), buf.position()) * pageSize;
    }

    /**
     * @return the second decimal field of a statm line held in {@code bytes[0..length)} (parsed by hand: the
     *         sampler calls this a thousand times a second)
     */
    static long residentPages(byte[] bytes, int length) {
        int i = 0;
        while (i < length && bytes[i] != ' ') {
            i++;
        }
        i++;
        long v = 0;
        int digits = 0;
        while (i < length && bytes[i] >= '0' && bytes[i] <= '9') {
            v = v * 10 + (bytes[i] - '0');
            i++;
            digits++;
        }
        if (digits == 0) {
            throw new ProbeException("unexpected /proc statm content: '"
                    + new String(bytes, 0, length, StandardCharsets.US_ASCII).trim() + "'");
        }
        return v;
    }

    /** @return the resident page count: the second field of a statm line */
    static long parseStatm(String statm) {
        byte[] b = statm.getBytes(StandardCharsets.US_ASCII);
        return residentPages(b, b.length);
    }
}
