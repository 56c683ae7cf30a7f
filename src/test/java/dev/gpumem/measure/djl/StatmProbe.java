package dev.gpumem.measure.djl;

import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.ProbeException;
import dev.gpumem.measure.Probe;
import dev.gpumem.measure.ProcessTree;
import dev.gpumem.measure.Reading;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * This process's resident set from {@code /proc/self/statm}, read into a reused buffer (no garbage per read, so the
 * JVM heap does not grow under the sampler). A test stand-in for the measure package's RssProbe.
 */
final class StatmProbe implements Probe {
    static final DeviceInfo CPU = new DeviceInfo(DeviceInfo.Kind.CPU, "test cpu", null,
            Runtime.getRuntime().maxMemory(), null, null, null, null);
    private static final long PAGE = 4096;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(256);

    StatmProbe() {
        try {
            channel = FileChannel.open(Path.of("/proc/self/statm"), StandardOpenOption.READ);
        } catch (IOException e) {
            throw new ProbeException("cannot open /proc/self/statm: " + e.getMessage(), e);
        }
    }

    @Override
    public DeviceInfo device() {
        return CPU;
    }

    @Override
    public synchronized Reading read(long tNanos, ProcessTree watched) {
        long rss = residentBytes();
        return new Reading(tNanos, rss, null, null, rss, null, null);
    }

    private long residentBytes() {
        buffer.clear();
        try {
            channel.read(buffer, 0);
        } catch (IOException e) {
            throw new ProbeException("cannot read /proc/self/statm: " + e.getMessage(), e);
        }
        int i = 0;
        int n = buffer.position();
        while (i < n && buffer.get(i) != ' ') {
            i++;
        }
        long pages = 0;
        for (i++; i < n && buffer.get(i) >= '0' && buffer.get(i) <= '9'; i++) {
            pages = pages * 10 + (buffer.get(i) - '0');
        }
        return pages * PAGE;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing held
        }
    }
}
