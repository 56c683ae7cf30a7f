package dev.gpumem.estimate;

import dev.gpumem.estimate.parallel.PipelineLayout;
import dev.gpumem.input.BadInputException;
import dev.gpumem.units.DType;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * One estimate request, as in validation/REQUEST-SCHEMA.md. Immutable; validated on construction so
 * that no formula ever sees a zero batch or a negative rank.
 *
 * @param id             echoed back in the result
 * @param model          preset name, path to a config.json, or a model folder
 * @param modelOverrides HF config keys to override (values as parsed from JSON: Number, String, Boolean, List, Map)
 * @param task           train or inference
 * @param precision      parameter / compute precision
 * @param masterWeights  half parameters plus an fp32 master copy
 * @param optimizer      optimizer whose states are held
 * @param batch          micro-batch per device
 * @param seq            sequence length (prompt length for inference)
 * @param gradAccum      gradient-accumulation steps
 * @param checkpointing  activation checkpointing
 * @param attention      attention kernel
 * @param finetune       full, LoRA or QLoRA
 * @param parallel       data / ZeRO / tensor / pipeline parallelism
 * @param options        framework features that change the timeline
 * @param inference      inference settings (KV cache), used when task = inference
 * @param gpu            the card to check the fit against, or null
 * @param compat         also report another tool's numbers
 * @param framework      the framework the run uses and the semantics resolved from it and the request
 *                       ({@link Framework}); {@link FrameworkSettings#HF} is today's behaviour
 */
public record RunConfig(
        String id,
        String model,
        Map<String, Object> modelOverrides,
        Task task,
        Precision precision,
        boolean masterWeights,
        Optimizer optimizer,
        int batch,
        int seq,
        int gradAccum,
        Checkpointing checkpointing,
        AttentionKernel attention,
        Finetune finetune,
        Parallel parallel,
        Set<RunOption> options,
        Inference inference,
        GpuSpec gpu,
        Compat compat,
        FrameworkSettings framework) {

    /** A request run as Hugging Face transformers runs it (framework hf, every semantic at its default). */
    public RunConfig(String id, String model, Map<String, Object> modelOverrides, Task task, Precision precision,
                     boolean masterWeights, Optimizer optimizer, int batch, int seq, int gradAccum,
                     Checkpointing checkpointing, AttentionKernel attention, Finetune finetune, Parallel parallel,
                     Set<RunOption> options, Inference inference, GpuSpec gpu, Compat compat) {
        this(id, model, modelOverrides, task, precision, masterWeights, optimizer, batch, seq, gradAccum,
                checkpointing, attention, finetune, parallel, options, inference, gpu, compat,
                FrameworkSettings.hf(options));
    }

    public RunConfig {
        Objects.requireNonNull(model, "model");
        modelOverrides = Map.copyOf(modelOverrides);
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(precision, "precision");
        Objects.requireNonNull(optimizer, "optimizer");
        positive("batch", batch);
        positive("seq", seq);
        positive("grad_accum", gradAccum);
        Objects.requireNonNull(checkpointing, "checkpointing");
        Objects.requireNonNull(attention, "attention");
        Objects.requireNonNull(finetune, "finetune");
        Objects.requireNonNull(parallel, "parallel");
        options = options.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(options));
        Objects.requireNonNull(inference, "inference");
        Objects.requireNonNull(compat, "compat");
        Objects.requireNonNull(framework, "framework");
    }

    static void positive(String field, long value) {
        if (value <= 0) {
            throw new BadInputException(field + ": must be a positive integer, got " + value);
        }
    }

    /** A training request with the defaults of REQUEST-SCHEMA.md, for programmatic use and tests. */
    public static RunConfig training(String model, Precision precision, Optimizer optimizer, int batch, int seq) {
        return new RunConfig("", model, Map.of(), Task.TRAIN, precision, false, optimizer, batch, seq, 1,
                Checkpointing.NONE, AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(),
                Inference.defaults(seq), null, Compat.NONE);
    }

    public RunConfig withBatch(int newBatch) {
        return new RunConfig(id, model, modelOverrides, task, precision, masterWeights, optimizer, newBatch, seq,
                gradAccum, checkpointing, attention, finetune, parallel, options, inference, gpu, compat, framework);
    }

    public RunConfig withSeq(int newSeq) {
        return new RunConfig(id, model, modelOverrides, task, precision, masterWeights, optimizer, batch, newSeq,
                gradAccum, checkpointing, attention, finetune, parallel, options, inference, gpu, compat, framework);
    }

    public RunConfig withGpu(GpuSpec newGpu) {
        return new RunConfig(id, model, modelOverrides, task, precision, masterWeights, optimizer, batch, seq,
                gradAccum, checkpointing, attention, finetune, parallel, options, inference, newGpu, compat, framework);
    }

    public RunConfig withParallel(Parallel newParallel) {
        return new RunConfig(id, model, modelOverrides, task, precision, masterWeights, optimizer, batch, seq,
                gradAccum, checkpointing, attention, finetune, newParallel, options, inference, gpu, compat, framework);
    }

    public RunConfig withModelOverrides(Map<String, Object> overrides) {
        return new RunConfig(id, model, overrides, task, precision, masterWeights, optimizer, batch, seq,
                gradAccum, checkpointing, attention, finetune, parallel, options, inference, gpu, compat, framework);
    }

    public enum Task implements WireEnum {
        TRAIN("train"), INFERENCE("inference");
        private final String wire;
        Task(String wire) { this.wire = wire; }
        @Override public String wire() { return wire; }
    }

    /**
     * fp32; pure fp16/bf16 (parameters, gradients and optimizer states in that dtype); amp-* (fp32 parameters,
     * gradients and states, autocast compute in half precision).
     */
    public enum Precision implements WireEnum {
        FP32("fp32", DType.FP32, DType.FP32),
        FP16("fp16", DType.FP16, DType.FP16),
        BF16("bf16", DType.BF16, DType.BF16),
        AMP_FP16("amp-fp16", DType.FP32, DType.FP16),
        AMP_BF16("amp-bf16", DType.FP32, DType.BF16);
        private final String wire;
        private final DType paramDtype;
        private final DType computeDtype;
        Precision(String wire, DType paramDtype, DType computeDtype) {
            this.wire = wire;
            this.paramDtype = paramDtype;
            this.computeDtype = computeDtype;
        }
        @Override public String wire() { return wire; }
        /** dtype parameters (and, unless master weights are asked for, gradients and states) are held in */
        public DType paramDtype() { return paramDtype; }
        /** dtype activations are computed and kept in */
        public DType computeDtype() { return computeDtype; }
        public boolean isAmp() { return this == AMP_FP16 || this == AMP_BF16; }
    }

    public enum Optimizer implements WireEnum {
        ADAMW("adamw"), ADAM("adam"), SGD("sgd"), SGD_MOMENTUM("sgd-momentum"), ADAMW_8BIT("adamw-8bit"),
        ADAFACTOR("adafactor"), LION("lion"), NONE("none");
        private final String wire;
        Optimizer(String wire) { this.wire = wire; }
        @Override public String wire() { return wire; }
    }

    /**
     * none; full (only block inputs kept, blocks recomputed in backward); selective (attention core recomputed,
     * Korthikanti et al. 2022); selective_op (torchtitan's per-op SAC: every other matmul output and the attention
     * kernel's outputs saved, the rest of the block recomputed).
     */
    public enum Checkpointing implements WireEnum {
        NONE("none"), FULL("full"), SELECTIVE("selective"), SELECTIVE_OP("selective_op");
        private final String wire;
        Checkpointing(String wire) { this.wire = wire; }
        @Override public String wire() { return wire; }
    }

    /** eager: s x s scores and probabilities kept; sdpa: flash / memory-efficient kernels (output + logsumexp). */
    public enum AttentionKernel implements WireEnum {
        EAGER("eager"), SDPA("sdpa");
        private final String wire;
        AttentionKernel(String wire) { this.wire = wire; }
        @Override public String wire() { return wire; }
    }

    public enum FinetuneMethod implements WireEnum {
        FULL("full"), LORA("lora"), QLORA("qlora");
        private final String wire;
        FinetuneMethod(String wire) { this.wire = wire; }
        @Override public String wire() { return wire; }
    }

    /**
     * @param method  full, lora or qlora
     * @param rank    LoRA rank r (0 for full)
     * @param alpha   LoRA alpha (does not change memory; recorded)
     * @param targets module names the adapters attach to (e.g. q_proj, v_proj)
     * @param quant   dtype of the frozen base for qlora (nf4, int4, int8), else null
     * @param adapterDtype dtype of the LoRA adapters (fp32, bf16, fp16), or null for fp32 (PEFT's
     *                     {@code autocast_adapter_dtype=True}); torchtune and lit-gpt bf16-true create bf16 adapters
     */
    public record Finetune(FinetuneMethod method, int rank, int alpha, List<String> targets, DType quant,
                           DType adapterDtype) {
        public static final Finetune FULL = new Finetune(FinetuneMethod.FULL, 0, 0, List.of(), null);

        /** Adapters in the default dtype (fp32, PEFT). */
        public Finetune(FinetuneMethod method, int rank, int alpha, List<String> targets, DType quant) {
            this(method, rank, alpha, targets, quant, null);
        }

        public Finetune {
            Objects.requireNonNull(method, "finetune.method");
            targets = List.copyOf(targets);
            if (method != FinetuneMethod.FULL) {
                positive("finetune.rank", rank);
                if (targets.isEmpty()) {
                    throw new BadInputException("finetune.targets: must name at least one module for "
                            + method.wire());
                }
            }
        }
    }

    /**
     * @param data     data-parallel ranks
     * @param zero     ZeRO stage 0..3 (FSDP full shard = 3)
     * @param tensor   tensor-parallel degree
     * @param pipeline pipeline-parallel stages
     * @param pipelineLayout the pipeline schedule, its virtual stages and the stage counted
     *                 ({@link PipelineLayout}; ignored with one stage)
     * @param sequence sequence parallelism over the tensor-parallel ranks ({@link SequenceParallel}; needs tensor &gt; 1)
     * @param context  context-parallel degree cp (ring attention): every activation holds s/cp tokens per rank
     * @param expert   expert-parallel degree ep: each rank holds E/ep of an MoE layer's routed experts (Megatron
     *                 {@code --expert-model-parallel-size}: experts distributed over a sub-dimension of the
     *                 data-parallel ranks, so ep must divide data; model_parallel_config.py @0486ed9)
     * @param capacityFactor per-expert token capacity ⌈factor·tokens·k/E⌉ (Megatron
     *                 {@code --moe-expert-capacity-factor} with {@code --moe-pad-expert-input-to-capacity}); empty:
     *                 dropless
     */
    public record Parallel(int data, int zero, int tensor, int pipeline, PipelineLayout pipelineLayout,
                           SequenceParallel sequence, int context, int expert, OptionalDouble capacityFactor) {
        public static final Parallel SINGLE = new Parallel(1, 0, 1, 1);

        /** A layout with the default pipeline layout (1F1B, the worst stage counted). */
        public Parallel(int data, int zero, int tensor, int pipeline, SequenceParallel sequence, int context,
                        int expert, OptionalDouble capacityFactor) {
            this(data, zero, tensor, pipeline, PipelineLayout.DEFAULT, sequence, context, expert, capacityFactor);
        }

        /** A layout with only a pipeline layout beside the four degrees. */
        public Parallel(int data, int zero, int tensor, int pipeline, PipelineLayout pipelineLayout) {
            this(data, zero, tensor, pipeline, pipelineLayout, SequenceParallel.OFF, 1, 1, OptionalDouble.empty());
        }

        /** A layout without expert parallelism. */
        public Parallel(int data, int zero, int tensor, int pipeline, SequenceParallel sequence, int context) {
            this(data, zero, tensor, pipeline, sequence, context, 1, OptionalDouble.empty());
        }

        /** A layout without sequence or context parallelism. */
        public Parallel(int data, int zero, int tensor, int pipeline) {
            this(data, zero, tensor, pipeline, SequenceParallel.OFF, 1);
        }

        /** A layout without context parallelism. */
        public Parallel(int data, int zero, int tensor, int pipeline, SequenceParallel sequence) {
            this(data, zero, tensor, pipeline, sequence, 1);
        }

        public Parallel {
            positive("parallel.data", data);
            positive("parallel.tensor", tensor);
            positive("parallel.pipeline", pipeline);
            positive("parallel.context", context);
            positive("parallel.expert", expert);
            Objects.requireNonNull(capacityFactor, "parallel.capacity_factor");
            if (capacityFactor.isPresent() && !(capacityFactor.getAsDouble() > 0)) {
                throw new BadInputException("parallel.capacity_factor: must be a positive number (omit it for "
                        + "dropless routing), got " + capacityFactor.getAsDouble());
            }
            if (zero < 0 || zero > 3) {
                throw new BadInputException("parallel.zero: must be 0, 1, 2 or 3, got " + zero);
            }
            Objects.requireNonNull(pipelineLayout, "parallel.schedule");
            Objects.requireNonNull(sequence, "parallel.sequence_parallel");
            if (sequence == SequenceParallel.ON && tensor == 1) {
                throw new BadInputException("parallel.sequence_parallel: shards over the tensor-parallel ranks and "
                        + "needs parallel.tensor > 1, got tensor 1");
            }
        }

        /** @return this layout with another pipeline layout */
        public Parallel withPipelineLayout(PipelineLayout newLayout) {
            return new Parallel(data, zero, tensor, pipeline, newLayout, sequence, context, expert, capacityFactor);
        }

        /** @return this layout with ZeRO stage {@code stage} */
        public Parallel withZero(int stage) {
            return new Parallel(data, stage, tensor, pipeline, pipelineLayout, sequence, context, expert,
                    capacityFactor);
        }

        /** @return this layout with sequence parallelism {@code sp} */
        public Parallel withSequence(SequenceParallel sp) {
            return new Parallel(data, zero, tensor, pipeline, pipelineLayout, sp, context, expert, capacityFactor);
        }
    }

    /**
     * Sequence parallelism (Korthikanti et al. 2022, §4.2.2; Megatron-LM {@code --sequence-parallel}, torchtitan's
     * {@code SequenceParallel} norms): OFF, the activations outside the tensor-parallel region (norms, dropouts,
     * residual adds) are replicated over the t ranks; ON, they are split along the sequence (b·s/t·h), the input
     * of each column-parallel linear is all-gathered to the full sequence and the output of each row-parallel linear
     * reduce-scattered back.
     */
    public enum SequenceParallel implements WireEnum {
        OFF("false"), ON("true");
        private final String wire;
        SequenceParallel(String wire) { this.wire = wire; }
        /** the JSON boolean of {@code parallel.sequence_parallel} */
        @Override public String wire() { return wire; }
    }

    public enum RunOption implements WireEnum {
        CHUNKED_LOSS("chunked_loss"),
        OPTIMIZER_IN_BACKWARD("optimizer_in_backward"),
        ACTIVATION_OFFLOADING("activation_offloading"),
        COMPILE("compile"),
        /** torch.optim's {@code fused=True} (one CUDA kernel per tensor group, no foreach temporaries) */
        FUSED_OPTIMIZER("fused_optimizer"),
        /** zero_grad(set_to_none=False), the default before torch 2.0: gradients are zeroed, not freed */
        ZERO_GRAD_IN_PLACE("zero_grad_in_place"),
        /** torch DDP's {@code gradient_as_bucket_view=True}: gradients are views into the Reducer's buckets */
        DDP_BUCKET_VIEW("ddp_bucket_view"),
        /** inference: logits for every prompt token in prefill (a plain forward; generate() before transformers 4.45) */
        PREFILL_ALL_LOGITS("prefill_all_logits");
        private final String wire;
        RunOption(String wire) { this.wire = wire; }
        @Override public String wire() { return wire; }
    }

    /**
     * @param batch         sequences decoded together
     * @param contextTokens tokens the KV cache holds per sequence
     * @param kvCacheDtype  dtype of the KV cache
     */
    public record Inference(int batch, int contextTokens, DType kvCacheDtype) {
        public Inference {
            positive("inference.batch", batch);
            positive("inference.context_tokens", contextTokens);
            Objects.requireNonNull(kvCacheDtype, "inference.kv_cache_dtype");
        }

        public static Inference defaults(int contextTokens) {
            return new Inference(1, contextTokens, DType.BF16);
        }
    }

    public enum Compat implements WireEnum {
        NONE("none"), ACCELERATE("accelerate");
        private final String wire;
        Compat(String wire) { this.wire = wire; }
        @Override public String wire() { return wire; }
    }

    /**
     * How half precision is applied. autocast: fp32 parameters, torch.autocast casts at each matmul (residual stream
     * and norms in fp32). fsdp2_mixed: FSDP2 {@code MixedPrecisionPolicy(param_dtype=bf16, reduce_dtype=fp32)}: the
     * fp32 parameters stay sharded, the gathered (unsharded) ones are cast to half precision, so the whole forward
     * (residual stream included) runs in half precision with no autocast copies; gradients are reduced in fp32.
     * none: no mixed precision at all, an amp precision runs as fp32 (torchtitan's tensor- or pipeline-parallel runs
     * without FSDP).
     */
    public enum PrecisionPolicy implements WireEnum {
        AUTOCAST("autocast"), FSDP2_MIXED("fsdp2_mixed"), NONE("none");
        private final String wire;
        PrecisionPolicy(String wire) { this.wire = wire; }
        @Override public String wire() { return wire; }
    }

    /**
     * The loss over the logits. fp32_upcast: the whole b·s·v logits upcast to fp32, then cross-entropy; chunked: the
     * logits in chunks (torchtune CEWithChunkedOutputLoss, lit-gpt chunked_cross_entropy; same as option
     * chunked_loss); loss_parallel: cross-entropy on vocabulary shards (tensor parallel).
     */
    public enum LossImpl implements WireEnum {
        FP32_UPCAST("fp32_upcast"), CHUNKED("chunked"), LOSS_PARALLEL("loss_parallel");
        private final String wire;
        LossImpl(String wire) { this.wire = wire; }
        @Override public String wire() { return wire; }
    }

    /**
     * The optimizer implementation. foreach: torch.optim's multi-tensor default (adam/adamw keep a sqrt temporary);
     * fused: torch.optim {@code fused=True} (same as option fused_optimizer); deepspeed_fused: DeepSpeed FusedAdam
     * (multi_tensor_apply, in place); megatron_distributed: Megatron's distributed optimizer (fp32 main parameters and
     * states sharded over the data-parallel ranks, as ZeRO-1); for_loop: torch.optim {@code foreach=False}, a loop
     * over the parameters whose adam/adamw step makes two temporaries of one parameter at a time; hf_adamw:
     * transformers' own {@code transformers.optimization.AdamW} (HF Trainer's {@code optim="adamw_hf"}, its default
     * before torch.optim.AdamW), a loop over the parameters with one temporary of one parameter at a time.
     */
    public enum OptimizerImpl implements WireEnum {
        FOREACH("foreach"), FUSED("fused"), DEEPSPEED_FUSED("deepspeed_fused"),
        MEGATRON_DISTRIBUTED("megatron_distributed"), FOR_LOOP("for_loop"), HF_ADAMW("hf_adamw");
        private final String wire;
        OptimizerImpl(String wire) { this.wire = wire; }
        @Override public String wire() { return wire; }
        /** @return whether the update runs in place with no per-tensor temporaries */
        public boolean inPlace() { return this == FUSED || this == DEEPSPEED_FUSED || this == MEGATRON_DISTRIBUTED; }
    }

    /**
     * Whose module code runs the model: Hugging Face transformers' (also standing for torchtitan's and torchtune's
     * own Llama, whose tensor-parallel plans are torch DTensor's), lit-gpt's own (fused GELU, its RMSNorm, fused qkv
     * views), or Megatron-Core's GPT with its own tensor-parallel linears (counted as HF's block otherwise).
     */
    public enum ModelCode implements WireEnum {
        HF("hf"), LITGPT("litgpt"), MEGATRON("megatron");
        private final String wire;
        ModelCode(String wire) { this.wire = wire; }
        @Override public String wire() { return wire; }

        /**
         * @return under sequence parallelism, whether a column-parallel linear saves only its input's sequence
         *         shard and all-gathers it again in backward (Megatron-Core's ColumnParallelLinear, the LM head's
         *         included: {@link dev.gpumem.estimate.Source#SEQUENCE_PARALLEL}); otherwise the linears save the
         *         all-gathered input itself, as torch DTensor's plans run them
         *         ({@link dev.gpumem.estimate.Source#SEQUENCE_PARALLEL_DTENSOR})
         */
        public boolean keepsSequenceShard() {
            return this == MEGATRON;
        }
    }
}
