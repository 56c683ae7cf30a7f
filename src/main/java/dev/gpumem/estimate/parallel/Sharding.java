package dev.gpumem.estimate.parallel;

import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.TensorSpec;

/**
 * What one rank holds under data parallelism with ZeRO/FSDP, tensor parallelism and pipeline parallelism. Which
 * blocks a pipeline stage holds and how many micro-batches it keeps in flight is {@link PipelineStage}'s.
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
 *   <li>Pipeline parallelism: p stages (the layer split, the embedding on the first and the final norm and LM head
 *       on the last, and the schedule's micro-batches in flight: {@link PipelineStage}, {@link PipelineSchedule}).</li>
 *   <li>Context parallelism cp (ring attention): parameters, gradients and optimizer states are replicated over
 *       the cp ranks, except that ZeRO / FSDP shards over data × context ranks, as torchtitan does: its "mesh for
 *       param sharding" flattens dp_shard and cp into {@code dp_shard_cp} (pytorch/torchtitan
 *       torchtitan/distributed/parallel_dims.py @73bb964 build_mesh). So the ZeRO partition is ⌈n/(N·cp)⌉; the
 *       same rule is applied to every framework (Megatron's distributed optimizer was not read here).</li>
 *   <li>Expert parallelism ep (Megatron {@code --expert-model-parallel-size}, "distributes MoE experts across sub
 *       data parallel dimension", megatron/core/model_parallel_config.py @0486ed9): a rank holds E/ep of each MoE
 *       layer's routed experts (each routed-expert tensor counted at 1/ep; shared experts and the router are not
 *       split); the data-parallel replicas of an expert are the N·cp/ep ranks holding it, so ZeRO partitions the
 *       routed experts over N·cp/ep ranks. ep must divide N and the number of experts.</li>
 * </ul>
 *
 * @param data     N data-parallel ranks
 * @param zero     ZeRO stage
 * @param tensor   t
 * @param pipeline p
 * @param context  cp context-parallel ranks
 * @param expert   ep expert-parallel ranks
 */
public record Sharding(int data, int zero, int tensor, int pipeline, int context, int expert) {

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
        if (p.expert() > 1) {
            int experts = arch.moe().enabled() ? arch.moe().numExperts() : 0;
            if (experts == 0) {
                throw new BadInputException("parallel.expert: needs an MoE model (this one has no experts), got "
                        + p.expert());
            }
            if (experts % p.expert() != 0) {
                throw new BadInputException("parallel.expert: must divide the number of experts (" + experts
                        + "), got " + p.expert());
            }
            if (p.data() % p.expert() != 0) {
                throw new BadInputException("parallel.expert: experts are distributed over the data-parallel "
                        + "ranks, so it must divide parallel.data (" + p.data() + "), got " + p.expert());
            }
        }
        if (p.capacityFactor().isPresent() && !arch.moe().enabled()) {
            throw new BadInputException("parallel.capacity_factor: applies to MoE models only");
        }
        return new Sharding(p.data(), p.zero(), p.tensor(), p.pipeline(), p.context(), p.expert());
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

    /** @return elements of {@code t} on this rank after tensor and expert parallelism (before ZeRO) */
    public long modelParallelNumel(TensorSpec t) {
        long n = tensorParallelNumel(t);
        return routedExpert(t) ? ceilDiv(n, expert) : n;
    }

    /** @return whether {@code t} is a routed expert's tensor (split over the ep ranks); shared experts are not */
    public boolean routedExpert(TensorSpec t) {
        return expert > 1 && t.group() == ParamGroup.EXPERT && !t.name().contains("shared_expert");
    }

    /** @return a ZeRO partition of {@code n} elements of a tensor: routed experts over N·cp/ep ranks */
    public long partition(long n, boolean routedExpert) {
        return routedExpert ? ceilDiv(n, Math.max(1, shardGroup() / expert)) : partition(n);
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
        return data > 1 && zero == 0 && tensor == 1 && pipeline == 1 && context == 1 && expert == 1;
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
