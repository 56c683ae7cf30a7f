package dev.gpumem.estimate;

/**
 * Where a number comes from. Every {@link Term} names one, so derived, published and fitted numbers stay apart.
 * Members are added by whoever writes a formula; each says what it cites.
 */
public enum Source {
    /** counted from the model's tensor inventory (config.json / safetensors shapes) */
    INVENTORY("parameter shapes from the model inventory"),
    /** Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer Models", arXiv:2205.05198, Table 2 */
    K22_TABLE2("Korthikanti et al. 2022, arXiv:2205.05198, Table 2"),
    /** Kingma and Ba 2014, Adam: two moment estimates per parameter */
    ADAM_KINGMA_2014("Kingma & Ba 2014, arXiv:1412.6980, Algorithm 1 (m and v per parameter)"),
    /** Rajbhandari et al. 2020, ZeRO, arXiv:1910.02054, section 5 (partitioning of states, gradients, parameters) */
    ZERO_2020("Rajbhandari et al. 2020, arXiv:1910.02054, §5"),
    /** PyTorch caching allocator constants: c10/cuda/CUDACachingAllocator.cpp (kMinBlockSize 512, kSmallSize 1 MiB, kSmallBuffer 2 MiB, kLargeBuffer 20 MiB, kMinLargeAlloc 10 MiB, kRoundLarge 2 MiB) */
    PYTORCH_CCA("pytorch/pytorch c10/cuda/CUDACachingAllocator.cpp allocator constants"),
    /** an op's saved tensors, read from PyTorch's autograd derivatives (tools/autograd/derivatives.yaml) */
    AUTOGRAD_SAVED("pytorch/pytorch tools/autograd/derivatives.yaml (tensors saved for backward)"),
    /** a shipped default for the GPU class (CUDA context, workspaces), to be replaced by calibration */
    DEVICE_DEFAULT("shipped per-architecture default"),
    /** a value fitted from measured profiles (names the calibration file) */
    MEASURED_CALIBRATION("fitted from measured profiles");

    private final String citation;

    Source(String citation) {
        this.citation = citation;
    }

    public String citation() {
        return citation;
    }
}
