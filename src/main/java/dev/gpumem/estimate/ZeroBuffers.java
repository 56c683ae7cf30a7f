package dev.gpumem.estimate;

import dev.gpumem.input.BadInputException;

/**
 * DeepSpeed ZeRO's communication buffers beside {@code reduce_bucket_size} (which {@link FrameworkSettings} keeps
 * on its own), as {@code zero_optimization} states them; every other framework has none ({@link #NONE}).
 * Defaults: microsoft/DeepSpeed deepspeed/runtime/zero/config.py @38327e0 ({@link #DEEPSPEED}).
 *
 * @param allgatherBucket     {@code allgather_bucket_size} in elements (ZeRO-1/2): the shard size of the all-gather
 *                            of updated partitions. It allocates nothing: the all-gather writes into the flat bit16
 *                            groups in place (deepspeed/runtime/utils.py all_gather_dp_groups: all_gather_into_tensor
 *                            into groups_flat, or narrow() views of the partitions)
 * @param contiguousGradients {@code contiguous_gradients} (ZeRO-1/2/3): the reduce bucket (ipg buffer) of
 *                            reduce_bucket_size elements in the bit16 dtype exists only when true
 * @param prefetchBucket      {@code stage3_prefetch_bucket_size} in elements (ZeRO-3): how many parameter elements
 *                            the coordinator all-gathers ahead of the module being computed
 *                            (partitioned_param_coordinator.py fetch_sub_module)
 * @param maxLiveParameters   {@code stage3_max_live_parameters} in elements (ZeRO-3): the cap on gathered elements
 *                            the prefetch may bring the live total to
 */
public record ZeroBuffers(long allgatherBucket, boolean contiguousGradients, long prefetchBucket,
                          long maxLiveParameters) {
    /** no ZeRO engine: no buffers */
    public static final ZeroBuffers NONE = new ZeroBuffers(0, false, 0, 0);
    /** DeepSpeedZeroConfig's defaults: allgather 5e8, contiguous_gradients True, prefetch 5e7, max live 1e9 */
    public static final ZeroBuffers DEEPSPEED = new ZeroBuffers(500_000_000L, true, 50_000_000L, 1_000_000_000L);

    public ZeroBuffers {
        nonNegative("allgather_bucket_size", allgatherBucket);
        nonNegative("stage3_prefetch_bucket_size", prefetchBucket);
        nonNegative("stage3_max_live_parameters", maxLiveParameters);
    }

    private static void nonNegative(String field, long v) {
        if (v < 0) {
            throw new BadInputException(field + ": must be 0 or more elements, got " + v);
        }
    }
}
