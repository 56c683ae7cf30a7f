package dev.gpumem.measure;

/**
 * Raw memory of the device a replay runs on: cudaMalloc / cudaMemset / cudaFree on a GPU
 * ({@code measure.cuda.CudaMemory}), malloc / memset / free on the host twin ({@code measure.host.HostMemory}).
 * Single-threaded: only the runner's thread calls it.
 */
public interface DeviceMemory extends AutoCloseable {

    /** Sets up what is not workload (a CUDA context) so that it is in the baseline. Default: nothing. */
    default void prepare() {
    }

    /**
     * Allocates {@code bytes}.
     *
     * @return a non-zero handle, or 0 when the device is out of memory
     * @throws ProbeException when the call fails for another reason
     */
    long allocate(long bytes);

    /** Writes every byte of the block (cudaMemset / memset), so its pages are really backed. */
    void touch(long handle, long bytes);

    /** Frees a block from {@link #allocate}. */
    void free(long handle);

    /** Waits until the device has finished all work (cudaDeviceSynchronize). */
    void synchronize();

    /** @return free bytes the device reports now, or -1 when unknown */
    long freeBytes();

    /** Frees whatever is still allocated. Never throws. */
    @Override
    void close();
}
