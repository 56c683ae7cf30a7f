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
    /** HF's NewGELUActivation ("gelu_new"), written as separate Python ops: each op's autograd node keeps its own inputs */
    HF_GELU_NEW("huggingface/transformers src/transformers/activations.py NewGELUActivation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) as separate ops"),
    /** an op's saved tensors, read from PyTorch's autograd derivatives (tools/autograd/derivatives.yaml) */
    AUTOGRAD_SAVED("pytorch/pytorch tools/autograd/derivatives.yaml (tensors saved for backward)"),
    /** a tensor used twice (tied embeddings): its first gradient waits in the AccumulateGrad node's input buffer, the second is added out of place (torch/csrc/autograd/input_buffer.cpp InputBuffer::add) */
    AUTOGRAD_INPUT_BUFFER("pytorch/pytorch torch/csrc/autograd/input_buffer.cpp InputBuffer::add (buffered gradient, out-of-place sum)"),
    /** Hugging Face transformers model code: the order of ops and which tensors exist (modeling_llama.py and siblings, v4.48-4.57) */
    /** lit-gpt's own model code at the commit of its resource tables */
    LITGPT_MODEL("Lightning-AI/litgpt lit_gpt/model.py, lit_gpt/rmsnorm.py, lit_gpt/lora.py, lit_gpt/utils.py @8641822"),
    HF_MODELING("huggingface/transformers src/transformers/models/*/modeling_*.py (v4.48-4.57): op order and dtypes"),
    /** transformers' DeepSeek-V3 multi-head latent attention, read at that commit */
    HF_DEEPSEEK_MLA("huggingface/transformers src/transformers/models/deepseek_v3/modeling_deepseek_v3.py @00b676f DeepseekV3Attention.forward"),
    /** Hugging Face transformers loss: logits upcast to fp32 before cross-entropy (loss/loss_utils.py ForCausalLMLoss) */
    HF_LOSS("huggingface/transformers src/transformers/loss/loss_utils.py ForCausalLMLoss: logits.float() then cross_entropy"),
    /** PyTorch autocast: lower-precision copies of fp32 weights, cached per forward (aten/src/ATen/autocast_mode.cpp cached_cast) */
    PYTORCH_AUTOCAST("pytorch/pytorch aten/src/ATen/autocast_mode.cpp cached_cast (weight copies cached while autocast is on)"),
    /** FlashAttention / SDPA: output and an fp32 logsumexp per row are kept, no s x s tensor (Dao et al. 2022, arXiv:2205.14135) */
    FLASH_ATTENTION("Dao et al. 2022, arXiv:2205.14135; torch _scaled_dot_product_flash_attention saves q, k, v, out, logsumexp"),
    /** torch.utils.checkpoint: block inputs kept, the block recomputed in backward (Chen et al. 2016, arXiv:1604.06174) */
    CHECKPOINTING("torch/utils/checkpoint.py; Chen et al. 2016, arXiv:1604.06174"),
    /** torch.optim foreach implementations (torch/optim/adam.py _multi_tensor_adam: _foreach_sqrt makes a full temporary) */
    TORCH_OPTIM("pytorch/pytorch torch/optim/{adam,adamw,sgd}.py multi-tensor (foreach) implementations"),
    /** transformers' own AdamW (HF Trainer optim adamw_hf): a loop over parameters, denom = sqrt(exp_avg_sq) + eps */
    HF_ADAMW("huggingface/transformers src/transformers/optimization.py class AdamW (v4.27.1): per-parameter loop, denom = exp_avg_sq.sqrt().add_(eps)"),
    /** bitsandbytes 8-bit blockwise optimizers: uint8 states + fp32 absmax per 256-element block (bitsandbytes/optim/optimizer.py) */
    BNB_OPTIM_8BIT("bitsandbytes bitsandbytes/optim/optimizer.py Optimizer2State.init_state (uint8 states, absmax per 256 elements)"),
    /** Adafactor: factored second moment, row + column statistics (Shazeer & Stern 2018, arXiv:1804.04235; transformers optimization.py) */
    ADAFACTOR_2018("Shazeer & Stern 2018, arXiv:1804.04235; huggingface/transformers optimization.py Adafactor"),
    /** Lion: one momentum state (Chen et al. 2023, arXiv:2302.06675; lucidrains/lion-pytorch) */
    LION_2023("Chen et al. 2023, arXiv:2302.06675; lucidrains/lion-pytorch lion_pytorch.py"),
    /** LoRA adapters A (r x in) and B (out x r) (Hu et al. 2021, arXiv:2106.09685; huggingface/peft tuners/lora/layer.py) */
    LORA_2021("Hu et al. 2021, arXiv:2106.09685; huggingface/peft src/peft/tuners/lora/layer.py"),
    /** QLoRA: NF4 weights with one absmax per 64 weights, bf16 compute (Dettmers et al. 2023, arXiv:2305.14314; bitsandbytes) */
    QLORA_2023("Dettmers et al. 2023, arXiv:2305.14314; bitsandbytes functional.quantize_4bit (blocksize 64)"),
    /** Megatron tensor parallelism: attention heads and MLP columns split across t ranks (Shoeybi et al. 2019, arXiv:1909.08053) */
    MEGATRON_TP("Shoeybi et al. 2019, arXiv:1909.08053, §3"),
    /** sequence parallelism: the tensors outside the tensor-parallel region split along the sequence, the column-parallel linears' input all-gathered (into Megatron's global "mpu" buffer), only the shard saved for backward and re-gathered there */
    /** context parallelism: torch's ring attention (the rotated k/v chunks, fp32 merge and gradient accumulators) */
    RING_ATTENTION("pytorch/pytorch torch/distributed/tensor/experimental/_attention.py @f2127db _templated_ring_attention, _SDPAMerger (convert_to_f32), _templated_ring_attention_backward; used by torchtitan context_parallel_degree"),
    /** expert parallelism: Megatron's all-to-all token dispatcher (permuted rows sent, the local experts' rows received, and back) */
    MEGATRON_TOKEN_DISPATCHER("NVIDIA/Megatron-LM megatron/core/transformer/moe/token_dispatcher.py @bed33f8 MoEAlltoAllTokenDispatcher token_permutation / token_unpermutation (permute, all_to_all over the expert-parallel group, unpermute with probs)"),
    SEQUENCE_PARALLEL("Korthikanti et al. 2022, arXiv:2205.05198, §4.2.2; NVIDIA/Megatron-LM megatron/core/tensor_parallel/layers.py @000c4ac LinearWithGradAccumulationAndAsyncCommunication (sequence_parallel: all_gather into get_global_memory_buffer, save_for_backward(input) the shard, re-gather in backward, reduce_scatter of grad_input)"),
    SEQUENCE_PARALLEL_DTENSOR("pytorch/torchtitan torchtitan/models/llama3/infra/parallelize.py @018740b apply_tp: PrepareModuleInput(input_layouts Shard(1), desired_input_layouts Replicate()) on attention and feed_forward all-gathers the norm output once, ColwiseParallel wq/wk/wv and w1/w3 run on that gathered local tensor and autograd saves it for the weight gradients (no re-gather in backward); the output layer ColwiseParallel(input_layouts=Shard(1)) likewise"),
    /** 1F1B pipeline schedule: the first stage holds p micro-batches of activations (Narayanan et al. 2021, arXiv:2104.04473) */
    PIPELINE_1F1B("Narayanan et al. 2021, arXiv:2104.04473, §2.2"),
    TORCH_PIPELINING("pytorch/pytorch torch/distributed/pipelining/stage.py @0138610 PipelineStage _prepare_forward_infra / _prepare_backward_infra (one receive buffer per micro-batch, kept), fwd_cache (the output until its backward); _backward.py @060ca5d stage_backward (the input gradient left in the buffer's .grad until clear_runtime_states at the next step)"),
    /** FSDP: sharded flat parameters, all-gathered per wrapped block (Zhao et al. 2023, arXiv:2304.11277) */
    /** torch DistributedDataParallel's Reducer: flat gradient buckets allocated at construction */
    DDP_REDUCER("pytorch/pytorch torch/csrc/distributed/c10d/reducer.cpp Reducer::initialize_buckets; torch/nn/parallel/distributed.py (bucket_size_limits [sys.maxsize] without find_unused_parameters; PR #41954 gradient_as_bucket_view)"),
    /** DeepSpeed ZeRO-1/2 with contiguous_gradients: a flat reduce bucket of reduce_bucket_size elements per backward */
    DEEPSPEED_IPG_BUFFER("microsoft/DeepSpeed deepspeed/runtime/zero/stage_1_and_2.py @38327e0 backward(): ipg_buffer "
            + "torch.empty(reduce_bucket_size, dtype=bit16 dtype) when contiguous_gradients (config.py: True, "
            + "reduce_bucket_size 5e8, overlap_comm off below stage 3)"),
    /** DeepSpeed ZeRO-3 with contiguous_gradients: one flat reduce bucket kept from initialisation */
    DEEPSPEED_STAGE3_IPG_BUFFER("microsoft/DeepSpeed deepspeed/runtime/zero/stage3.py @38327e0 __init__: "
            + "__ipg_bucket_flat_buffer torch.empty(reduce_bucket_size, dtype=bit16 dtype) when contiguous_gradients"),
    /** DeepSpeed / FSDP CPU offload: tensors held in host memory, and the device staging buffer of ZeRO-1/2 */
    DEEPSPEED_OFFLOAD("microsoft/DeepSpeed deepspeed/runtime/zero/stage_1_and_2.py @38327e0 (cpu_offload: "
            + "single_partition_of_fp32_groups and its fp32 .grad pinned on the host, temp_grad_buffer_for_gpu_offload "
            + "/ _for_cpu_offload of the largest parameter's elements), stage3.py (offload_optimizer: fp32 partitions and their "
            + ".grad, grad_partitions_flat_buffer in the model dtype on the cpu; offload_param: fp16 partitions on the "
            + "cpu); engine.py get_data_types (gradient accumulation in the model dtype under ZeRO)"),
    /** torch FSDP CPUOffload(offload_params=True): parameter and gradient shards on the CPU */
    FSDP_CPU_OFFLOAD("pytorch/pytorch torch/distributed/fsdp/api.py CPUOffload(offload_params=True): parameter "
            + "and gradient shards on the CPU, the optimizer steps there; FSDP2 CPUOffloadPolicy likewise"),
    /** NCCL's per-connection buffers: src/init.cc computeBuffSizes, src/include/device.h */
    NCCL_BUFFERS("NVIDIA/nccl src/init.cc @5067397 computeBuffSizes: DEFAULT_BUFFSIZE 4 MiB (Simple), "
            + "DEFAULT_LL_BUFFSIZE 8·512·8·16 B, DEFAULT_LL128_BUFFSIZE 120·640·8·8 B per connection (src/include/"
            + "device.h NCCL_STEPS 8); channels per communicator: a default"),
    FSDP_2023("Zhao et al. 2023, arXiv:2304.11277; torch/distributed/fsdp"),
    /** KV cache: K and V per layer, kv heads x head_dim per token (transformers cache_utils.py DynamicCache) */
    KV_CACHE("huggingface/transformers src/transformers/cache_utils.py DynamicCache: 2 tensors per layer, b x kv x ctx x d"),
    /** cuBLAS workspace allocated through the caching allocator (aten/src/ATen/cuda/CublasHandlePool.cpp) */
    CUBLAS_WORKSPACE("pytorch/pytorch aten/src/ATen/cuda/CublasHandlePool.cpp getChosenWorkspaceSize"),
    /** a modelling assumption of this estimator, stated in the estimate's notes */
    GPUMEM_ASSUMPTION("gpumem modelling assumption (see the estimate notes)"),
    /** a shipped default for the GPU class (CUDA context, workspaces), to be replaced by calibration */
    DEVICE_DEFAULT("shipped per-architecture default"),
    /** a value fitted from measured profiles (names the calibration file) */
    MEASURED_CALIBRATION("fitted from measured profiles"),
    /** a value the user measured on their own machine and stated in the request (e.g. gpu.context_bytes) */
    STATED_ON_REQUEST("measured by the user and stated in the request");

    private final String citation;

    Source(String citation) {
        this.citation = citation;
    }

    public String citation() {
        return citation;
    }
}
