package dev.gpumem.estimate;

/** The three levels at which memory is predicted and measured. */
public enum Level implements WireEnum {
    /** live tensors, as torch.cuda.max_memory_allocated counts them (blocks rounded to 512 B) */
    ALLOCATED("allocated"),
    /** caching-allocator segments, as torch.cuda.max_memory_reserved counts them */
    RESERVED("reserved"),
    /** what NVML / nvidia-smi shows for the process: reserved + CUDA context + library workspaces */
    DEVICE("device");

    private final String wire;

    Level(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }
}
