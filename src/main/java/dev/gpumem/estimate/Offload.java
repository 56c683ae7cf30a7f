package dev.gpumem.estimate;

/**
 * What leaves the device for host memory during training (request field {@code offload}).
 *
 * <ul>
 *   <li>{@link #NONE}: everything on the device.</li>
 *   <li>{@link #OPTIMIZER}: DeepSpeed {@code zero_optimization.offload_optimizer: {device: cpu}} (ZeRO-1/2/3): the
 *       fp32 master partition, the optimizer states and the fp32 gradient partition live in host memory and the
 *       step runs on the CPU (DeepSpeedCPUAdam); microsoft/DeepSpeed deepspeed/runtime/zero/stage_1_and_2.py
 *       @38327e0 ({@code self.device = 'cpu'} when cpu_offload, {@code initialize_optimizer_states}), stage3.py
 *       ({@code self.device = OffloadDeviceEnum.cpu}, {@code grad_partitions_flat_buffer}).</li>
 *   <li>{@link #OPTIMIZER_AND_PARAMS}: also the parameter shards: DeepSpeed ZeRO-3 {@code offload_param: {device:
 *       cpu}} with {@code offload_optimizer}, or torch FSDP {@code CPUOffload(offload_params=True)} (FSDP1) /
 *       {@code CPUOffloadPolicy} (FSDP2), which keep parameter and gradient shards on the CPU and step the optimizer
 *       there; only the all-gathered copies of the block being computed are on the device.</li>
 * </ul>
 */
public enum Offload implements WireEnum {
    NONE("none"), OPTIMIZER("optimizer"), OPTIMIZER_AND_PARAMS("optimizer_and_params");
    private final String wire;
    Offload(String wire) { this.wire = wire; }
    @Override public String wire() { return wire; }

    /** @return whether optimizer states (and master weights, and gradient shards) live in host memory */
    public boolean optimizer() {
        return this != NONE;
    }

    /** @return whether the parameter shards live in host memory */
    public boolean params() {
        return this == OPTIMIZER_AND_PARAMS;
    }
}
