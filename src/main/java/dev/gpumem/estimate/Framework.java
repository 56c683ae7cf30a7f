package dev.gpumem.estimate;

import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.ModelCode;
import dev.gpumem.estimate.RunConfig.LossImpl;
import dev.gpumem.estimate.RunConfig.OptimizerImpl;
import dev.gpumem.estimate.RunConfig.PrecisionPolicy;
import dev.gpumem.estimate.parallel.LayerSplit;
import dev.gpumem.estimate.parallel.PipelineRuntime;
import dev.gpumem.estimate.parallel.PipelineSchedule;
import dev.gpumem.estimate.RunConfig.SequenceParallel;
import dev.gpumem.units.DType;
import java.util.List;

/**
 * The frameworks a request can name, each a bundle of defaults for semantics that also have their own request field
 * (an explicit field beats the framework's default; see {@link FrameworkSettings#resolve}). This enum is the only
 * place that says which framework defaults to what, and where in that framework's code the default is read; the
 * docs table ({@code docs/frameworks.md}) and {@code gpumem frameworks} are printed from it.
 *
 * <p>A default may depend on the layout: {@link When#DATA_PARALLEL} (torchtitan applies {@code fully_shard} only when
 * there is more than one data-parallel rank, else it runs under autocast; FSDP frameworks shard only several ranks,
 * as torch clamps FSDP to NO_SHARD on one) and {@link When#TENSOR_PARALLEL} (loss
 * parallel needs tensor-parallel shards of the vocabulary); otherwise {@link Default#otherwise()} applies. A value of
 * {@code null} for the adapter dtype means "the model's parameter dtype" (torchtune's {@code dtype: bf16} and lit-gpt's
 * bf16-true build the adapters with the model).
 */
public enum Framework implements WireEnum {
    HF("hf", "Hugging Face transformers + Trainer / accelerate, PEFT for LoRA (today's behaviour)",
            new Default<>(PrecisionPolicy.AUTOCAST, "huggingface/accelerate src/accelerate/accelerator.py @9f71f0b: "
                    + "mixed_precision runs the forward under torch.autocast"),
            new Default<>(Checkpointing.NONE, "huggingface/transformers src/transformers/training_args.py @fd79833: "
                    + "gradient_checkpointing=False"),
            new Default<>(LossImpl.FP32_UPCAST, "huggingface/transformers src/transformers/loss/loss_utils.py @d0fed63: "
                    + "ForCausalLMLoss logits.float()"),
            new Default<>(OptimizerImpl.FOREACH, "pytorch/pytorch torch/optim/optimizer.py @bf6a61d: "
                    + "_default_to_fused_or_foreach picks foreach on CUDA when neither flag is given"),
            new Default<>(DType.FP32, "huggingface/peft src/peft/tuners/lora/config.py @6b2556e: "
                    + "autocast_adapter_dtype=True upcasts bf16/fp16 adapters to fp32"),
            new Default<>(0.0, "huggingface/peft src/peft/tuners/lora/config.py @6b2556e: lora_dropout=0.0"),
            new Default<>(ModelCode.HF, "huggingface/transformers src/transformers/models/*/modeling_*.py"),
            new Default<>(0L, "no DeepSpeed engine: no ZeRO reduce bucket"),
            new Default<>(0, "huggingface/transformers src/transformers/training_args.py @fd79833: fsdp='' and "
                    + "deepspeed=None by default: several ranks are torch DistributedDataParallel replicas (accelerate)"),
            new Default<>(false, "no FSDP1 unless parallel.zero 3 is stated (then as torch's default: "
                    + "FullyShardedDataParallel use_orig_params=False)"),
            noZero("no DeepSpeed engine")),
    TORCHTITAN("torchtitan", "torchtitan (FSDP2 fully_shard, per-op SAC, its own Llama)",
            new Default<>(PrecisionPolicy.FSDP2_MIXED, When.DATA_PARALLEL, PrecisionPolicy.AUTOCAST,
                    "pytorch/torchtitan torchtitan/models/llama3/parallelize.py @114151a: apply_fsdp "
                    + "MixedPrecisionPolicy(param_dtype, reduce_dtype), config/configs.py mixed_precision_param "
                    + "bfloat16, mixed_precision_reduce float32; FSDP when parallel.data x parallel.context > 1 "
                    + "(distributed/parallel_dims.py @73bb964 fsdp_enabled: dp_shard or cp); else distributed/utils.py "
                    + "@30b9ea0 maybe_enable_amp: "
                    + "torch.autocast on one rank, none (mixed precision disabled: the run is fp32) with tensor or "
                    + "pipeline parallelism"),
            new Default<>(Checkpointing.SELECTIVE_OP, "pytorch/torchtitan torchtitan/config/configs.py @114151a: "
                    + "ActivationCheckpointConfig mode \"selective\" -> distributed/activation_checkpoint.py "
                    + "_apply_op_sac"),
            new Default<>(LossImpl.LOSS_PARALLEL, When.TENSOR_PARALLEL, LossImpl.FP32_UPCAST,
                    "pytorch/torchtitan torchtitan/config/configs.py @114151a: disable_loss_parallel=False; "
                    + "components/loss.py cross_entropy_loss pred.float()"),
            new Default<>(OptimizerImpl.FUSED, "pytorch/torchtitan torchtitan/components/optimizer.py @114151a: "
                    + "implementation \"fused\""),
            new Default<>(DType.FP32, "no LoRA in torchtitan: hf's default"),
            new Default<>(0.0, "no LoRA in torchtitan: hf's default"),
            new Default<>(ModelCode.HF, "pytorch/torchtitan torchtitan/models/llama3/model.py: its own Llama, "
                    + "counted as HF's Llama block"),
            new Default<>(0L, "FSDP2 reduce-scatters per parameter group: no ZeRO reduce bucket"),
            new Default<>(3, When.DATA_PARALLEL, 0, "pytorch/torchtitan torchtitan/config/configs.py @114151a: "
                    + "ParallelismConfig data_parallel_shard_degree=-1 (every rank left after replicate, cp, tp, pp), "
                    + "data_parallel_replicate_degree=1 (no HSDP); distributed/parallel_dims.py _validate, fsdp_enabled "
                    + "when dp_shard > 1; models/llama3/parallelize.py apply_fsdp: fully_shard on every block and the "
                    + "root (FSDP2 full sharding: parameters, gradients, optimizer states 1/dp)"),
            new Default<>(false, "FSDP2 fully_shard: no FlatParameter, each parameter a DTensor shard with "
                    + "its own gradient"),
            noZero("FSDP2: no DeepSpeed engine")),
    TORCHTUNE("torchtune", "torchtune recipes (full_finetune_*, lora_finetune_*)",
            new Default<>(PrecisionPolicy.AUTOCAST, "pytorch/torchtune recipes/configs/llama3_2/"
                    + "3B_full_single_device.yaml @03a1978: dtype bf16 (pure: no autocast, precision bf16)"),
            new Default<>(Checkpointing.FULL, "pytorch/torchtune recipes/configs/llama3_2/"
                    + "3B_full_single_device.yaml @03a1978: enable_activation_checkpointing True (every layer)"),
            new Default<>(LossImpl.CHUNKED, "pytorch/torchtune recipes/configs/llama3_2/"
                    + "3B_full_single_device.yaml @03a1978: loss CEWithChunkedOutputLoss"),
            new Default<>(OptimizerImpl.FUSED, "pytorch/torchtune recipes/configs/llama3_2/"
                    + "3B_lora_single_device.yaml @2324983: torch.optim.AdamW fused True"),
            new Default<>(null, "pytorch/torchtune recipes/configs/llama3_2/3B_lora_single_device.yaml @2324983: "
                    + "dtype bf16, the model (adapters included) built in that dtype"),
            new Default<>(0.0, "pytorch/torchtune recipes/configs/llama3_2/3B_lora_single_device.yaml @2324983: "
                    + "lora_dropout 0.0"),
            new Default<>(ModelCode.HF, "pytorch/torchtune torchtune/models/llama3_2: its own Llama, counted as "
                    + "HF's Llama block"),
            new Default<>(0L, "no DeepSpeed engine: no ZeRO reduce bucket"),
            new Default<>(3, When.DATA_PARALLEL, 0, "pytorch/torchtune recipes/full_finetune_distributed.py, "
                    + "lora_finetune_distributed.py @03a1978: training.shard_model (torchtune/training/_distributed.py) "
                    + "fully_shard on every layer and the root, fsdp_reshard_after_forward True; one rank: the "
                    + "*_single_device recipes"),
            new Default<>(false, "FSDP2 fully_shard: no FlatParameter, each parameter a DTensor shard with "
                    + "its own gradient"),
            noZero("FSDP2 / one device: no DeepSpeed engine")),
    LIT_GPT("lit-gpt", "LitGPT / lit-gpt with Lightning Fabric",
            new Default<>(PrecisionPolicy.AUTOCAST, "Lightning-AI/litgpt finetune/lora.py @0010d8e: precision "
                    + "bf16-mixed (autocast) on one device, bf16-true (pure, precision bf16) with FSDP"),
            new Default<>(Checkpointing.NONE, "Lightning-AI/litgpt finetune/lora.py @0010d8e: no checkpointing "
                    + "on one device; FSDPStrategy activation_checkpointing_policy={Block} on several"),
            new Default<>(LossImpl.CHUNKED, "Lightning-AI/litgpt finetune/lora.py @0010d8e: lm_head_chunk_size=128, "
                    + "chunked_cross_entropy"),
            new Default<>(OptimizerImpl.FOREACH, "Lightning-AI/litgpt finetune/lora.py @0010d8e: "
                    + "torch.optim.AdamW(trainable_params, lr, weight_decay)"),
            new Default<>(null, "Lightning-AI/litgpt finetune/lora.py @0010d8e: adapters created under "
                    + "fabric.init_module in the model's dtype"),
            new Default<>(0.05, "Lightning-AI/litgpt finetune/lora.py @0010d8e: lora_dropout = 0.05"),
            new Default<>(ModelCode.LITGPT, "Lightning-AI/litgpt lit_gpt/model.py @e51aaef: GptNeoxMLP "
                    + "F.gelu(x, approximate=config.gelu_approximate)"),
            new Default<>(0L, "Lightning Fabric FSDP / DDP: no ZeRO reduce bucket"),
            new Default<>(3, When.DATA_PARALLEL, 0, "Lightning-AI/litgpt finetune/lora.py @0010d8e: devices > 1 "
                    + "-> FSDPStrategy(auto_wrap_policy={Block}); Lightning-AI/pytorch-lightning "
                    + "src/lightning/fabric/strategies/fsdp.py @00608a3: sharding_strategy \"FULL_SHARD\""),
            new Default<>(true, "Lightning-AI/pytorch-lightning src/lightning/fabric/strategies/fsdp.py "
                    + "@00608a3: FSDPStrategy _fsdp_kwargs.setdefault(\"use_orig_params\", True)"),
            noZero("Lightning Fabric: no DeepSpeed engine")),
    DEEPSPEED("deepspeed", "DeepSpeed engine (ZeRO stages 0-3)",
            new Default<>(PrecisionPolicy.AUTOCAST, "microsoft/DeepSpeed: bf16/fp16 config holds half parameters "
                    + "with fp32 master weights (precision bf16 + master_weights), no FSDP2 policy"),
            new Default<>(Checkpointing.NONE, "microsoft/DeepSpeed deepspeed/runtime/activation_checkpointing: "
                    + "opt-in"),
            new Default<>(LossImpl.FP32_UPCAST, "the model's own loss (transformers ForCausalLMLoss)"),
            new Default<>(OptimizerImpl.DEEPSPEED_FUSED, "microsoft/DeepSpeed deepspeed/runtime/engine.py @2ef4fd5: "
                    + "_configure_basic_optimizer builds FusedAdam (deepspeed/ops/adam/fused_adam.py) for Adam/AdamW"),
            new Default<>(DType.FP32, "PEFT under DeepSpeed: hf's default"),
            new Default<>(0.0, "PEFT under DeepSpeed: hf's default"),
            new Default<>(ModelCode.HF, "the model's own (transformers) code"),
            new Default<>(500_000_000L, "microsoft/DeepSpeed deepspeed/runtime/zero/config.py @38327e0: "
                    + "reduce_bucket_size 5e8 elements, contiguous_gradients True; stage_1_and_2.py backward() "
                    + "allocates it (ZeRO-1/2 only)"),
            new Default<>(0, "microsoft/DeepSpeed deepspeed/runtime/zero/config.py @03dc2b9: DeepSpeedZeroConfig "
                    + "stage 0 (ZeRO off unless zero_optimization.stage is set)"),
            new Default<>(false, "not FSDP1: ZeRO-3 partitions each parameter and keeps no gradient for "
                    + "frozen ones"),
            deepspeedZero()),
    MEGATRON("megatron", "Megatron-LM / Megatron-Core / NeMo",
            new Default<>(PrecisionPolicy.AUTOCAST, "NVIDIA/Megatron-LM megatron/training/arguments.py @307dcf3: "
                    + "--bf16 holds bf16 parameters with fp32 main parameters (precision bf16 + master_weights)"),
            new Default<>(Checkpointing.NONE, "NVIDIA/Megatron-LM megatron/training/arguments.py @307dcf3: "
                    + "--recompute-granularity default None"),
            new Default<>(LossImpl.LOSS_PARALLEL, When.TENSOR_PARALLEL, LossImpl.FP32_UPCAST,
                    "NVIDIA/Megatron-LM megatron/core/tensor_parallel/cross_entropy.py @8e6e7cd: "
                    + "vocab_parallel_cross_entropy"),
            new Default<>(OptimizerImpl.FUSED, "NVIDIA/Megatron-LM megatron/core/optimizer/__init__.py @d086a2e: "
                    + "Apex / Transformer Engine FusedAdam; --use-distributed-optimizer (off by default) is "
                    + "megatron_distributed"),
            new Default<>(DType.FP32, "no LoRA in Megatron-LM: hf's default"),
            new Default<>(0.0, "no LoRA in Megatron-LM: hf's default"),
            new Default<>(ModelCode.MEGATRON, "NVIDIA/Megatron-LM megatron/core/models/gpt/gpt_model.py @e914fb7: "
                    + "its own GPT (counted as HF's block) on tensor_parallel.ColumnParallelLinear / RowParallelLinear, "
                    + "the output layer a ColumnParallelLinear too (under sequence parallelism each saves its input's "
                    + "shard, layers.py @000c4ac)"),
            new Default<>(0L, "Megatron's own contiguous gradient buffer (not modelled): no ZeRO reduce bucket"),
            new Default<>(0, "NVIDIA/Megatron-LM megatron/training/arguments.py @307dcf3: "
                    + "--use-distributed-optimizer store_true (off): every data-parallel rank holds all main parameters "
                    + "and states (optimizer_impl megatron_distributed shards them as zero 1)"),
            new Default<>(false, "not FSDP1"),
            noZero("Megatron-LM: no DeepSpeed engine")),
    FSDP1("fsdp1", "torch FullyShardedDataParallel (FSDP1), e.g. through accelerate or Lightning",
            new Default<>(PrecisionPolicy.AUTOCAST, "pytorch/pytorch torch/distributed/fsdp/"
                    + "fully_sharded_data_parallel.py @6d71f74: mixed_precision=None by default (autocast from the trainer)"),
            new Default<>(Checkpointing.NONE, "pytorch/pytorch torch/distributed/fsdp: no checkpointing unless "
                    + "apply_activation_checkpointing is called"),
            new Default<>(LossImpl.FP32_UPCAST, "the model's own loss (transformers ForCausalLMLoss)"),
            new Default<>(OptimizerImpl.FOREACH, "pytorch/pytorch torch/optim/optimizer.py @bf6a61d: "
                    + "_default_to_fused_or_foreach"),
            new Default<>(DType.FP32, "PEFT under FSDP1: hf's default"),
            new Default<>(0.0, "PEFT under FSDP1: hf's default"),
            new Default<>(ModelCode.HF, "the model's own (transformers) code"),
            new Default<>(0L, "torch FSDP1: no ZeRO reduce bucket"),
            new Default<>(3, When.DATA_PARALLEL, 0, "pytorch/pytorch torch/distributed/fsdp/_init_utils.py "
                    + "@00743e7: _init_core_state sharding_strategy or ShardingStrategy.FULL_SHARD; NO_SHARD when the "
                    + "world size is 1"),
            new Default<>(false, "pytorch/pytorch torch/distributed/fsdp/fully_sharded_data_parallel.py: "
                    + "use_orig_params=False"),
            noZero("torch FSDP1: no DeepSpeed engine"));

    private final String wire;
    private final String description;
    private final Default<PrecisionPolicy> precisionPolicy;
    private final Default<Checkpointing> checkpointing;
    private final Default<LossImpl> loss;
    private final Default<OptimizerImpl> optimizerImpl;
    private final Default<DType> adapterDtype;
    private final Default<Double> loraDropout;
    private final Default<ModelCode> modelCode;
    private final Default<Long> reduceBucket;
    private final Default<Integer> sharding;
    private final Default<Boolean> useOrigParams;
    private final ZeroDefaults zero;

    Framework(String wire, String description, Default<PrecisionPolicy> precisionPolicy,
              Default<Checkpointing> checkpointing, Default<LossImpl> loss, Default<OptimizerImpl> optimizerImpl,
              Default<DType> adapterDtype, Default<Double> loraDropout, Default<ModelCode> modelCode,
              Default<Long> reduceBucket, Default<Integer> sharding, Default<Boolean> useOrigParams,
              ZeroDefaults zero) {
        this.wire = wire;
        this.description = description;
        this.precisionPolicy = precisionPolicy;
        this.checkpointing = checkpointing;
        this.loss = loss;
        this.optimizerImpl = optimizerImpl;
        this.adapterDtype = adapterDtype;
        this.loraDropout = loraDropout;
        this.modelCode = modelCode;
        this.reduceBucket = reduceBucket;
        this.sharding = sharding;
        this.useOrigParams = useOrigParams;
        this.zero = zero;
    }

    /**
     * The defaults of DeepSpeed ZeRO's buffer settings beside reduce_bucket_size ({@link ZeroBuffers}).
     *
     * @param allgatherBucket     allgather_bucket_size
     * @param contiguousGradients contiguous_gradients
     * @param prefetchBucket      stage3_prefetch_bucket_size
     * @param maxLiveParameters   stage3_max_live_parameters
     */
    record ZeroDefaults(Default<Long> allgatherBucket, Default<Boolean> contiguousGradients,
                        Default<Long> prefetchBucket, Default<Long> maxLiveParameters) {
    }

    /** @return no ZeRO buffers, for a framework without a DeepSpeed engine */
    private static ZeroDefaults noZero(String why) {
        return new ZeroDefaults(new Default<>(0L, why), new Default<>(false, why), new Default<>(0L, why),
                new Default<>(0L, why));
    }

    /** @return DeepSpeedZeroConfig's defaults, read in DeepSpeed's code */
    private static ZeroDefaults deepspeedZero() {
        String config = "microsoft/DeepSpeed deepspeed/runtime/zero/config.py @38327e0: DeepSpeedZeroConfig ";
        return new ZeroDefaults(
                new Default<>(500_000_000L, config + "allgather_bucket_size 5e8 elements; no buffer of its own: "
                        + "deepspeed/runtime/utils.py all_gather_dp_groups all-gathers into the flat bit16 groups in "
                        + "place (all_gather_into_tensor, or narrow() views per shard)"),
                new Default<>(true, config + "contiguous_gradients True; stage_1_and_2.py backward() allocates the "
                        + "ipg_buffer (reduce_bucket_size elements, bit16 dtype) only then, stage3.py "
                        + "__ipg_bucket_flat_buffer likewise once at initialisation"),
                new Default<>(50_000_000L, config + "prefetch_bucket_size (stage3_prefetch_bucket_size) 5e7 elements; "
                        + "partitioned_param_coordinator.py fetch_sub_module prefetches up to that many elements of "
                        + "the following modules' parameters"),
                new Default<>(1_000_000_000L, config + "max_live_parameters (stage3_max_live_parameters) 1e9 "
                        + "elements; partitioned_param_coordinator.py caps a prefetch at max_live - available"));
    }

    @Override
    public String wire() {
        return wire;
    }

    public String description() {
        return description;
    }

    public Default<PrecisionPolicy> precisionPolicy() {
        return precisionPolicy;
    }

    public Default<Checkpointing> checkpointing() {
        return checkpointing;
    }

    public Default<LossImpl> loss() {
        return loss;
    }

    public Default<OptimizerImpl> optimizerImpl() {
        return optimizerImpl;
    }

    public Default<DType> adapterDtype() {
        return adapterDtype;
    }

    public Default<Double> loraDropout() {
        return loraDropout;
    }

    public Default<ModelCode> modelCode() {
        return modelCode;
    }

    public Default<Long> reduceBucket() {
        return reduceBucket;
    }

    public Default<Long> allgatherBucket() {
        return zero.allgatherBucket();
    }

    public Default<Boolean> contiguousGradients() {
        return zero.contiguousGradients();
    }

    public Default<Long> prefetchBucket() {
        return zero.prefetchBucket();
    }

    public Default<Long> maxLiveParameters() {
        return zero.maxLiveParameters();
    }

    /** @return the ZeRO stage the framework shards data-parallel ranks with (FSDP full sharding = 3) */
    public Default<Integer> sharding() {
        return sharding;
    }

    /** @return whether FSDP1 runs with use_orig_params=True (flat gradients for mixed frozen / trainable blocks) */
    public Default<Boolean> useOrigParams() {
        return useOrigParams;
    }

    /**
     * @return the pipeline schedule the framework runs with {@code parallel.pipeline} &gt; 1 (every one that ships
     *         pipeline parallelism defaults to 1F1B; the others have none and take the estimator's 1f1b)
     */
    public Default<PipelineSchedule> pipelineSchedule() {
        return switch (this) {
            case TORCHTITAN -> new Default<>(PipelineSchedule.ONE_F_ONE_B, "pytorch/torchtitan "
                    + "torchtitan/config/job_config.py @000204a: pipeline_parallel_schedule \"1F1B\" "
                    + "(torch.distributed.pipelining Schedule1F1B)");
            case MEGATRON -> new Default<>(PipelineSchedule.ONE_F_ONE_B, "NVIDIA/Megatron-LM "
                    + "megatron/core/pipeline_parallel/schedules.py @00611e6: get_forward_backward_func picks "
                    + "forward_backward_pipelining_without_interleaving unless virtual_pipeline_model_parallel_size "
                    + "is set");
            case DEEPSPEED -> new Default<>(PipelineSchedule.ONE_F_ONE_B, "deepspeedai/DeepSpeed "
                    + "deepspeed/runtime/pipe/schedule.py @83fd8f8: PipelineEngine's TrainSchedule, synchronous "
                    + "1F1B (num_pipe_buffers min(stages - stage_id, micro_batches))");
            default -> new Default<>(PipelineSchedule.ONE_F_ONE_B, "no pipeline parallelism in " + wire
                    + ": the estimator's 1f1b");
        };
    }

    /**
     * @return whether the framework's tensor-parallel plan splits the norms and residuals along the sequence:
     *         torchtitan's always does, Megatron-Core's only with {@code sequence_parallel=True}
     */
    public Default<SequenceParallel> sequenceParallel() {
        return switch (this) {
            case TORCHTITAN -> new Default<>(SequenceParallel.ON, When.TENSOR_PARALLEL, SequenceParallel.OFF,
                    "pytorch/torchtitan torchtitan/models/llama3/infra/parallelize.py @018740b: apply_tp puts "
                    + "SequenceParallel() on attention_norm, ffn_norm and norm, tok_embeddings and wo/w2 output "
                    + "Shard(1) (no switch: always with TP)");
            case MEGATRON -> new Default<>(SequenceParallel.OFF, "NVIDIA/Megatron-LM "
                    + "megatron/core/model_parallel_config.py @0486ed9: sequence_parallel: bool = False "
                    + "(--sequence-parallel store_true)");
            default -> new Default<>(SequenceParallel.OFF, "off unless stated (no tensor-parallel plan of this "
                    + "framework read)");
        };
    }

    /** @return whose code runs a pipeline's sends and receives: torch.distributed.pipelining for torchtitan */
    public PipelineRuntime pipelineRuntime() {
        return this == TORCHTITAN ? PipelineRuntime.PERSISTENT_BUFFERS : PipelineRuntime.PER_MESSAGE;
    }

    /**
     * @return how the framework deals the blocks to the pipeline chunks: torchtitan counts the embedding and the
     *         output as one layer each (pytorch/torchtitan torchtitan/config/job_config.py @000204a
     *         pipeline_parallel_first_stage_less_layers = 1, pipeline_parallel_last_stage_less_layers = 1); the
     *         others split evenly
     */
    public LayerSplit pipelineLayerSplit() {
        return this == TORCHTITAN ? new LayerSplit(1, 1) : LayerSplit.EVEN;
    }

    /**
     * @return whether the framework turns mixed precision off for tensor- or pipeline-parallel runs that it does not
     *         shard with FSDP (pytorch/torchtitan torchtitan/distributed/utils.py @30b9ea0 maybe_enable_amp: "Mixed
     *         precision training with TP or PP is only supported when FSDP/HSDP/CP is enabled", then a null context:
     *         the fp32 model runs as it is)
     */
    public boolean disablesAmpWithoutFsdp() {
        return this == TORCHTITAN;
    }

    /** @return this framework's default of {@code s} */
    public Default<?> defaultOf(Semantic s) {
        return switch (s) {
            case PRECISION_POLICY -> precisionPolicy;
            case CHECKPOINTING -> checkpointing;
            case LOSS -> loss;
            case OPTIMIZER_IMPL -> optimizerImpl;
            case ADAPTER_DTYPE -> adapterDtype;
            case LORA_DROPOUT -> loraDropout;
            case MODEL_CODE -> modelCode;
            case REDUCE_BUCKET -> reduceBucket;
            case SHARDING -> sharding;
            case USE_ORIG_PARAMS -> useOrigParams;
            case PIPELINE_SCHEDULE -> pipelineSchedule();
            case ALLGATHER_BUCKET -> zero.allgatherBucket();
            case CONTIGUOUS_GRADIENTS -> zero.contiguousGradients();
            case PREFETCH_BUCKET -> zero.prefetchBucket();
            case MAX_LIVE_PARAMETERS -> zero.maxLiveParameters();
            case SEQUENCE_PARALLEL -> sequenceParallel();
        };
    }

    /** The semantics a framework sets a default for, by the request field that states each alone. */
    public enum Semantic implements WireEnum {
        PRECISION_POLICY("precision_policy"),
        CHECKPOINTING("checkpointing"),
        LOSS("loss"),
        OPTIMIZER_IMPL("optimizer_impl"),
        ADAPTER_DTYPE("finetune.adapter_dtype"),
        LORA_DROPOUT("finetune.lora_dropout"),
        MODEL_CODE("model_code"),
        REDUCE_BUCKET("reduce_bucket_size"),
        /** how data-parallel ranks are sharded, as the ZeRO stage of {@code parallel.zero} (FSDP full shard = 3) */
        SHARDING("parallel.zero"),
        /** FSDP1 use_orig_params=True: a wrapped block mixing frozen and trainable parameters gets a gradient for
         *  its whole FlatParameter */
        USE_ORIG_PARAMS("use_orig_params"),
        /** the pipeline schedule with parallel.pipeline &gt; 1 */
        PIPELINE_SCHEDULE("parallel.schedule"),
        /** DeepSpeed ZeRO-1/2 all-gather shard size (no buffer of its own) */
        ALLGATHER_BUCKET("allgather_bucket_size"),
        /** DeepSpeed: gradients copied into the reduce bucket (ipg buffer); false: no bucket */
        CONTIGUOUS_GRADIENTS("contiguous_gradients"),
        /** DeepSpeed ZeRO-3: parameter elements all-gathered ahead of the module being computed */
        PREFETCH_BUCKET("stage3_prefetch_bucket_size"),
        /** DeepSpeed ZeRO-3: cap on gathered elements a prefetch may bring the live total to */
        MAX_LIVE_PARAMETERS("stage3_max_live_parameters"),
        /** norms, residuals and dropouts split along the sequence over the tensor-parallel ranks */
        SEQUENCE_PARALLEL("parallel.sequence_parallel");
        private final String wire;
        Semantic(String wire) { this.wire = wire; }
        @Override public String wire() { return wire; }
    }

    /** When a conditional default applies; else {@link Default#otherwise()}. */
    public enum When {
        ALWAYS, DATA_PARALLEL, TENSOR_PARALLEL
    }

    /**
     * One framework default.
     *
     * @param value     the default (for the adapter dtype, null: the model's parameter dtype)
     * @param when      when {@code value} applies
     * @param otherwise the default when it does not
     * @param source    where in the framework's code it is read (repository, file, commit)
     */
    public record Default<T>(T value, When when, T otherwise, String source) {
        Default(T value, String source) {
            this(value, When.ALWAYS, value, source);
        }

        /** @return the default for a layout of {@code data} x {@code tensor} ranks */
        public T valueFor(int data, int tensor) {
            return switch (when) {
                case ALWAYS -> value;
                case DATA_PARALLEL -> data > 1 ? value : otherwise;
                case TENSOR_PARALLEL -> tensor > 1 ? value : otherwise;
            };
        }

        /** @return the value as the docs table shows it, with its condition */
        public String display() {
            String v = text(value);
            return switch (when) {
                case ALWAYS -> v;
                case DATA_PARALLEL -> v + " (parallel.data > 1; else " + text(otherwise) + ")";
                case TENSOR_PARALLEL -> v + " (parallel.tensor > 1; else " + text(otherwise) + ")";
            };
        }

        private static String text(Object v) {
            if (v == null) {
                return "model dtype";
            }
            if (v instanceof WireEnum w) {
                return w.wire();
            }
            if (v instanceof DType d) {
                return d.name().toLowerCase(java.util.Locale.ROOT);
            }
            return v.toString();
        }
    }

    /** @return the table framework x semantic, in declaration order, for docs and {@code gpumem frameworks} */
    public static List<Framework> table() {
        return List.of(values());
    }
}
