package dev.gpumem.measure.host;

import dev.gpumem.measure.DeviceMemory;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;

/**
 * Host memory for the CPU twin of the replay: {@code malloc}, {@code memset} (so pages become resident), and
 * {@code free}, through JavaCPP's core {@link Pointer}.
 *
 * <p>Linux overcommits, so malloc seldom fails; a request that would leave less than {@link #HEADROOM} bytes of
 * MemAvailable is refused instead (returned as out of memory), so that a plan too large for the host ends as a
 * result rather than with the kernel's OOM killer.
 */
public final class HostMemory implements DeviceMemory {
    /** MemAvailable kept free for the rest of the machine */
    public static final long HEADROOM = 512L << 20;

    private record Block(Pointer pointer, long bytes) {
    }

    private final Map<Long, Block> live = new HashMap<>();
    private final long limitBytes;
    private long liveBytes;

    /** @param limitBytes refuse to hold more than this many bytes at once (the twin's "device size"), or -1 */
    public HostMemory(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    @Override
    public long allocate(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("allocate: bytes must be positive, got " + bytes);
        }
        if (limitBytes >= 0 && liveBytes + bytes > limitBytes) {
            return 0;
        }
        long available = HostFacts.meminfoBytes("MemAvailable");
        if (available >= 0 && bytes > available - HEADROOM) {
            return 0;
        }
        Pointer p = Pointer.malloc(bytes);
        if (p == null || p.isNull()) {
            return 0;
        }
        live.put(p.address(), new Block(p, bytes));
        liveBytes += bytes;
        return p.address();
    }

    @Override
    public void touch(long handle, long bytes) {
        Pointer.memset(pointer(handle), 1, bytes);
    }

    @Override
    public void free(long handle) {
        Block b = live.remove(handle);
        if (b == null) {
            throw new IllegalArgumentException("free: unknown block " + handle);
        }
        liveBytes -= b.bytes();
        Pointer.free(b.pointer());
    }

    private Pointer pointer(long handle) {
        Block b = live.get(handle);
        if (b == null) {
            throw new IllegalArgumentException("unknown block " + handle);
        }
        return b.pointer();
    }

    @Override
    public void synchronize() {
        // host memset is synchronous
    }

    @Override
    public long freeBytes() {
        return HostFacts.meminfoBytes("MemAvailable");
    }

    @Override
    public void close() {
        for (Block b : live.values()) {
            Pointer.free(b.pointer());
        }
        live.clear();
        liveBytes = 0;
    }
}
