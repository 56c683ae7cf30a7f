package dev.gpumem.estimate.parallel;

import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.TensorSpec;

/**
 * What one rank holds under data parallelism with ZeRO/FSDP, tensor parallelism and pipeline parallelism. Scope:
 * the most loaded rank, which is a rank of the first pipeline stage (it holds the embedding and, with the 1F1B
 * schedule, the most micro-batches of activations).
 *
 * <ul>
 *   <li>ZeRO (Rajbhandari et al. 2020, §5): stage 1 partitions optimizer states (and fp32 master weights) over the
 *       N data-parallel ranks, stage 2 also gradients, stage 3 (= FSDP full shard) also parameters. Each tensor's
 *       share is ⌈n/N⌉ elements (FSDP pads its flat parameter to a multiple of N).</li>
 *   <li>Tensor parallelism (Megatron, Shoeybi et al. 2019): attention and MLP weights (column- and row-parallel),
 *       the embedding and LM head (vocabulary-parallel) are split by t; norms and routers are replicated. Without
 *       sequence parallelism, activations inside attention and MLP are split by t, block inputs and norm outputs
 *       (b·s·h) are not; with sequence parallelism ({@code parallel.sequence_parallel}, Korthikanti et al. 2022 §4.2.2)
 *       they hold b·(s/t)·h per rank (applied to the activations by {@code estimate.ops.Dims}, not here).</li>
 *   <li>Pipeline parallelism: the first stage holds ⌈L/p⌉ blocks and the embedding; the final norm and LM head sit on
 *       the last stage and are not counted for the first stage when p &gt; 1.</li>
 *
 *   <li>Context parallelism cp (ring attention): parameters, gradients and optimizer states are replicated over
 *       the cp ranks, except that ZeRO / FSDP shards over data × context ranks, as torchtitan does: its "mesh for
 *       param sharding" flattens dp_shard and cp into {@code dp_shard_cp} (pytorch/torchtitan
 *       torchtitan/distributed/parallel_dims.py @73bb964 build_mesh). So the ZeRO partition is ⌈n/(N·cp)⌉; the
 *       same rule is applied to every framework (Megatron's distributed optimizer was not read here).</li>
 * </ul>
 *
 * @param data     N data-parallel ranks
 * @param zero     ZeRO stage
 * @param tensor   t
 * @param pipeline p
 * @param context  cp context-parallel ranks
 */
public record Sharding(int data, int zero, int tensor, int pipeline, int context) {

    /**
     * @throws BadInputException naming the field when the model cannot be split that way
     */
    public static Sharding of(Parallel p, Architecture arch) {
        if (arch.numHeads() % p.tensor() != 0) {
            throw new BadInputException("parallel.tensor: must divide num_attention_heads ("
                    + arch.numHeads() + "), got " + p.tensor());
        }
        if (p.pipeline() > arch.totalBlocks()) {
            throw new BadInputException("parallel.pipeline: must be at most the number of layers ("
                    + arch.totalBlocks() + "), got " + p.pipeline());
        }
        return new Sharding(p.data(), p.zero(), p.tensor(), p.pipeline(), p.context());
    }

    /** @return blocks on the first pipeline stage */
    public int stageLayers(int totalLayers) {
        return (totalLayers + pipeline - 1) / pipeline;
    }

    /** @return whether the final norm, LM head and loss run on the counted (first) stage */
    public boolean holdsHead() {
        return pipeline == 1;
    }

    /** @return micro-batches whose activations the first stage holds at once under 1F1B */
    public int microbatchesInFlight(int gradAccum) {
        return pipeline == 1 ? 1 : Math.min(pipeline, gradAccum);
    }

    /** @return elements of {@code t} on this rank's tensor-parallel shard (before ZeRO) */
    public long tensorParallelNumel(TensorSpec t) {
        if (tensor == 1) {
            return t.numel();
        }
        ParamGroup g = t.group();
        boolean split = g == ParamGroup.ATTENTION || g == ParamGroup.MLP || g == ParamGroup.EXPERT
                || g == ParamGroup.EMBEDDING || g == ParamGroup.LM_HEAD || g == ParamGroup.QUANT_STATE;
        return split ? ceilDiv(t.numel(), tensor) : t.numel();
    }

    /** @return a ZeRO partition of {@code n} elements: ⌈n/(N·cp)⌉ (the shard group spans the context ranks too) */
    public long partition(long n) {
        return ceilDiv(n, shardGroup());
    }

    /** @return ranks a ZeRO / FSDP shard group spans: N·cp */
    public int shardGroup() {
        return data * context;
    }

    /**
     * @return whether this is plain torch DistributedDataParallel: data-parallel ranks without ZeRO, tensor or
     *         pipeline parallelism (Megatron-style tensor/pipeline runs keep their own contiguous gradient buffer)
     */
    public boolean torchDdp() {
        return data > 1 && zero == 0 && tensor == 1 && pipeline == 1 && context == 1;
    }

    public boolean shardsStates() {
        return zero >= 1 && shardGroup() > 1;
    }

    public boolean shardsGradients() {
        return zero >= 2 && shardGroup() > 1;
    }

    public boolean shardsParameters() {
        return zero >= 3 && shardGroup() > 1;
    }

    private static long ceilDiv(long x, long y) {
        return (x + y - 1) / y;
    }
}
