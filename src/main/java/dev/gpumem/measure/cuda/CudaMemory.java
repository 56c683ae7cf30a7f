package dev.gpumem.measure.cuda;

import dev.gpumem.measure.DeviceMemory;
import java.util.HashMap;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;

/** Device memory of one GPU for the replay: cudaMalloc, cudaMemset (pages touched), cudaFree. Single-threaded. */
public final class CudaMemory implements DeviceMemory {
    private final CudaRuntime cuda;
    private final int deviceIndex;
    private final Map<Long, Pointer> live = new HashMap<>();

    public CudaMemory(CudaRuntime cuda, int deviceIndex) {
        this.cuda = cuda;
        this.deviceIndex = deviceIndex;
    }

    /** Selects the device and creates its context, so the context is part of the baseline. */
    @Override
    public void prepare() {
        cuda.setDevice(deviceIndex);
        cuda.initContext();
        cuda.synchronize();
    }

    @Override
    public long allocate(long bytes) {
        Pointer p = cuda.malloc(bytes);
        if (p == null) {
            return 0;
        }
        live.put(p.address(), p);
        return p.address();
    }

    @Override
    public void touch(long handle, long bytes) {
        cuda.memset(pointer(handle), 0, bytes);
    }

    @Override
    public void free(long handle) {
        Pointer p = live.remove(handle);
        if (p == null) {
            throw new IllegalArgumentException("free: unknown block " + handle);
        }
        cuda.free(p);
    }

    private Pointer pointer(long handle) {
        Pointer p = live.get(handle);
        if (p == null) {
            throw new IllegalArgumentException("unknown block " + handle);
        }
        return p;
    }

    @Override
    public void synchronize() {
        cuda.synchronize();
    }

    @Override
    public long freeBytes() {
        try {
            return cuda.memGetInfo().free();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Frees every block still held; a failure to free one does not stop the others. */
    @Override
    public void close() {
        for (Pointer p : live.values()) {
            try {
                cuda.free(p);
            } catch (RuntimeException e) {
                // keep freeing the rest
            }
        }
        live.clear();
    }
}
