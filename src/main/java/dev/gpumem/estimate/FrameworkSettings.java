package dev.gpumem.estimate;

import dev.gpumem.input.BadInputException;
import dev.gpumem.estimate.Framework.Semantic;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.FinetuneMethod;
import dev.gpumem.estimate.RunConfig.LossImpl;
import dev.gpumem.estimate.RunConfig.ModelCode;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.OptimizerImpl;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.SequenceParallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.RunConfig.PrecisionPolicy;
import dev.gpumem.estimate.RunConfig.RunOption;
import dev.gpumem.estimate.RunConfig.Task;
import dev.gpumem.estimate.optim.OptimizerModel;
import dev.gpumem.units.DType;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The framework of a request and the semantics resolved from it: each semantic is the request's own field when
 * stated, else the framework's default ({@link Framework}). The checkpointing policy, the adapter dtype and the
 * loss / optimizer options live in their own {@link RunConfig} fields; this record holds the rest and, for
 * {@code --explain}, which framework default set what.
 *
 * @param framework       the framework named (hf when none)
 * @param precisionPolicy autocast or FSDP2 mixed precision
 * @param loss            how the loss runs over the logits
 * @param optimizerImpl   the optimizer implementation
 * @param loraDropout     LoRA dropout probability on the adapters' input (0: identity, nothing kept)
 * @param modelCode       whose module code runs the model
 * @param reduceBucket    DeepSpeed ZeRO-1/2 reduce_bucket_size in elements (0: no such bucket)
 * @param useOrigParams   FSDP1 use_orig_params=True with full sharding and LoRA: every wrapped block's frozen
 *                        parameters share its FlatParameter's gradient (sharded 1/dp, the whole block unsharded
 *                        before the reduce-scatter)
 * @param zeroBuffers     DeepSpeed ZeRO's other buffers ({@link ZeroBuffers#NONE} for every other framework)
 * @param offload         what leaves the device for host memory (request field offload)
 * @param fromFramework   semantic -> sentence saying which framework default set it (stated fields are absent)
 */
public record FrameworkSettings(Framework framework, PrecisionPolicy precisionPolicy, LossImpl loss,
                                OptimizerImpl optimizerImpl, double loraDropout, ModelCode modelCode,
                                long reduceBucket, boolean useOrigParams, ZeroBuffers zeroBuffers, Offload offload,
                                Map<Semantic, String> fromFramework) {
    /** Hugging Face transformers, every semantic at its default: today's behaviour. */
    public static final FrameworkSettings HF = new FrameworkSettings(Framework.HF, PrecisionPolicy.AUTOCAST,
            LossImpl.FP32_UPCAST, OptimizerImpl.FOREACH, 0.0, ModelCode.HF, 0, false, Map.of());

    /** Without ZeRO's other buffers and without offload. */
    public FrameworkSettings(Framework framework, PrecisionPolicy precisionPolicy, LossImpl loss,
                             OptimizerImpl optimizerImpl, double loraDropout, ModelCode modelCode, long reduceBucket,
                             boolean useOrigParams, Map<Semantic, String> fromFramework) {
        this(framework, precisionPolicy, loss, optimizerImpl, loraDropout, modelCode, reduceBucket, useOrigParams,
                ZeroBuffers.NONE, Offload.NONE, fromFramework);
    }

    /**
     * @return hf's settings for a request whose options say the loss and the optimizer implementation (option
     *         chunked_loss: chunked; fused_optimizer: fused), as {@link #resolve} gives them
     */
    public static FrameworkSettings hf(Set<RunOption> options) {
        boolean chunked = options.contains(RunOption.CHUNKED_LOSS);
        boolean fused = options.contains(RunOption.FUSED_OPTIMIZER);
        return chunked || fused ? new FrameworkSettings(Framework.HF, PrecisionPolicy.AUTOCAST,
                chunked ? LossImpl.CHUNKED : LossImpl.FP32_UPCAST, fused ? OptimizerImpl.FUSED : OptimizerImpl.FOREACH,
                0.0, ModelCode.HF, 0, false, Map.of()) : HF;
    }

    /** @return whether these are hf's settings, everything the request's options do not already say at default */
    public boolean isHfDefault() {
        return framework == Framework.HF && precisionPolicy == PrecisionPolicy.AUTOCAST && loraDropout == 0
                && modelCode == ModelCode.HF && reduceBucket == 0 && !useOrigParams && loss != LossImpl.LOSS_PARALLEL
                && zeroBuffers.equals(ZeroBuffers.NONE) && offload == Offload.NONE
                && (optimizerImpl == OptimizerImpl.FOREACH || optimizerImpl == OptimizerImpl.FUSED);
    }

    /**
     * @return elements of the reduce bucket (ipg buffer) the engine allocates: reduce_bucket_size, or 0 when DeepSpeed
     *         runs with contiguous_gradients false (stage_1_and_2.py backward() and stage3.py allocate it only when
     *         contiguous_gradients)
     */
    public long ipgBucketElements() {
        return framework == Framework.DEEPSPEED && !zeroBuffers.contiguousGradients() ? 0 : reduceBucket;
    }

    /** @return these settings with another precision policy (a suggestion that leaves amp drops fsdp2_mixed) */
    public FrameworkSettings withPrecisionPolicy(PrecisionPolicy p) {
        return new FrameworkSettings(framework, p, loss, optimizerImpl, loraDropout, modelCode, reduceBucket,
                useOrigParams, zeroBuffers, offload, fromFramework);
    }

    public FrameworkSettings {
        Objects.requireNonNull(framework, "framework");
        Objects.requireNonNull(precisionPolicy, "precision_policy");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(optimizerImpl, "optimizer_impl");
        Objects.requireNonNull(modelCode, "model_code");
        Objects.requireNonNull(zeroBuffers, "zero buffers");
        Objects.requireNonNull(offload, "offload");
        if (reduceBucket < 0) {
            throw new BadInputException("reduce_bucket_size: must be 0 or more elements, got " + reduceBucket);
        }
        if (!(loraDropout >= 0 && loraDropout < 1)) {
            throw new BadInputException("finetune.lora_dropout: must be in [0, 1), got " + loraDropout);
        }
        fromFramework = Map.copyOf(fromFramework);
    }

    /**
     * What the request states itself; null = not stated (the framework's default applies).
     *
     * @param precisionPolicy precision_policy
     * @param checkpointing   checkpointing
     * @param loss            loss
     * @param optimizerImpl   optimizer_impl
     * @param adapterDtype    finetune.adapter_dtype
     * @param loraDropout     finetune.lora_dropout
     * @param modelCode       model_code
     * @param reduceBucket    reduce_bucket_size
     * @param zero            parallel.zero (the sharding of data-parallel ranks)
     * @param useOrigParams   use_orig_params
     * @param allgatherBucket allgather_bucket_size
     * @param contiguousGradients contiguous_gradients
     * @param prefetchBucket  stage3_prefetch_bucket_size
     * @param maxLiveParameters stage3_max_live_parameters
     * @param offload         offload
     * @param sequenceParallel parallel.sequence_parallel
     */
    public record Stated(PrecisionPolicy precisionPolicy, Checkpointing checkpointing, LossImpl loss,
                         OptimizerImpl optimizerImpl, DType adapterDtype, Double loraDropout, ModelCode modelCode,
                         Long reduceBucket, Integer zero, Boolean useOrigParams, Long allgatherBucket,
                         Boolean contiguousGradients, Long prefetchBucket, Long maxLiveParameters, Offload offload,
                         SequenceParallel sequenceParallel) {
        public static final Stated NOTHING = new Stated(null, null, null, null, null, null, null, null, null, null);

        /** Without parallel.sequence_parallel. */
        public Stated(PrecisionPolicy precisionPolicy, Checkpointing checkpointing, LossImpl loss,
                      OptimizerImpl optimizerImpl, DType adapterDtype, Double loraDropout, ModelCode modelCode,
                      Long reduceBucket, Integer zero, Boolean useOrigParams, Long allgatherBucket,
                      Boolean contiguousGradients, Long prefetchBucket, Long maxLiveParameters, Offload offload) {
            this(precisionPolicy, checkpointing, loss, optimizerImpl, adapterDtype, loraDropout, modelCode,
                    reduceBucket, zero, useOrigParams, allgatherBucket, contiguousGradients, prefetchBucket,
                    maxLiveParameters, offload, null);
        }

        /** Without ZeRO's other buffers and offload. */
        public Stated(PrecisionPolicy precisionPolicy, Checkpointing checkpointing, LossImpl loss,
                      OptimizerImpl optimizerImpl, DType adapterDtype, Double loraDropout, ModelCode modelCode,
                      Long reduceBucket, Integer zero, Boolean useOrigParams, SequenceParallel sequenceParallel) {
            this(precisionPolicy, checkpointing, loss, optimizerImpl, adapterDtype, loraDropout, modelCode,
                    reduceBucket, zero, useOrigParams, null, null, null, null, null, sequenceParallel);
        }

        /** Without ZeRO's other buffers, offload and parallel.sequence_parallel. */
        public Stated(PrecisionPolicy precisionPolicy, Checkpointing checkpointing, LossImpl loss,
                      OptimizerImpl optimizerImpl, DType adapterDtype, Double loraDropout, ModelCode modelCode,
                      Long reduceBucket, Integer zero, Boolean useOrigParams) {
            this(precisionPolicy, checkpointing, loss, optimizerImpl, adapterDtype, loraDropout, modelCode,
                    reduceBucket, zero, useOrigParams, null, null, null, null, null, null);
        }

        /** @return whether any of DeepSpeed ZeRO's buffer fields beside reduce_bucket_size is stated */
        boolean statesZeroBuffers() {
            return allgatherBucket != null || contiguousGradients != null || prefetchBucket != null
                    || maxLiveParameters != null;
        }

        /** Without use_orig_params. */
        public Stated(PrecisionPolicy precisionPolicy, Checkpointing checkpointing, LossImpl loss,
                      OptimizerImpl optimizerImpl, DType adapterDtype, Double loraDropout, ModelCode modelCode,
                      Long reduceBucket, Integer zero) {
            this(precisionPolicy, checkpointing, loss, optimizerImpl, adapterDtype, loraDropout, modelCode,
                    reduceBucket, zero, null);
        }

        /** Without parallel.zero. */
        public Stated(PrecisionPolicy precisionPolicy, Checkpointing checkpointing, LossImpl loss,
                      OptimizerImpl optimizerImpl, DType adapterDtype, Double loraDropout, ModelCode modelCode,
                      Long reduceBucket) {
            this(precisionPolicy, checkpointing, loss, optimizerImpl, adapterDtype, loraDropout, modelCode,
                    reduceBucket, null);
        }

        /** Without reduce_bucket_size. */
        public Stated(PrecisionPolicy precisionPolicy, Checkpointing checkpointing, LossImpl loss,
                      OptimizerImpl optimizerImpl, DType adapterDtype, Double loraDropout, ModelCode modelCode) {
            this(precisionPolicy, checkpointing, loss, optimizerImpl, adapterDtype, loraDropout, modelCode, null,
                    null);
        }
    }

    /**
     * The resolved request parts.
     *
     * @param settings      the settings record
     * @param checkpointing the checkpointing policy
     * @param adapterDtype  the LoRA adapters' dtype, or null for the default (fp32, PEFT)
     * @param options       the request's options with chunked_loss / fused_optimizer as the loss and optimizer
     *                      implementation say
     * @param parallel      the layout: parallel.zero as stated, else the framework's sharding (megatron_distributed
     *                      shards states as ZeRO-1)
     * @param precision     the precision the run has: the request's, or fp32 where precision_policy none turns an
     *                      amp precision off
     */
    public record Resolved(FrameworkSettings settings, Checkpointing checkpointing, DType adapterDtype,
                           Set<RunOption> options, Parallel parallel, Precision precision) {
    }

    /** {@link #resolve(Framework, Stated, Task, Precision, Optimizer, FinetuneMethod, Parallel, Set)} for training. */
    public static Resolved resolve(Framework fw, Stated stated, Precision precision, Optimizer optimizer,
                                   FinetuneMethod finetune, Parallel parallel, Set<RunOption> options) {
        return resolve(fw, stated, Task.TRAIN, precision, optimizer, finetune, parallel, options);
    }

    /**
     * Resolves every semantic: the stated field, else the framework's default for this layout. A framework default
     * that does not apply to the request (a fused optimizer for adafactor, FSDP2 mixed precision without amp, FSDP
     * sharding with pipeline stages or for inference) falls back to hf's and says so; a stated one that does not apply
     * is an error naming the field.
     *
     * @param parallel the layout as the request gives it; its zero is replaced by the framework's sharding unless
     *                 {@code stated.zero()} is set (then it is that value)
     * @throws BadInputException one sentence naming the field
     */
    public static Resolved resolve(Framework fw, Stated stated, Task task, Precision precision, Optimizer optimizer,
                                   FinetuneMethod finetune, Parallel parallel, Set<RunOption> options) {
        Map<Semantic, String> from = new EnumMap<>(Semantic.class);
        EnumSet<RunOption> opts = options.isEmpty() ? EnumSet.noneOf(RunOption.class) : EnumSet.copyOf(options);
        int data = parallel.data();
        int tensor = parallel.tensor();

        PrecisionPolicy policy = stated.precisionPolicy();
        if (policy == null) {
            // FSDP2's mesh spans the data-parallel and context-parallel ranks (torchtitan dp_shard_cp)
            policy = fw.precisionPolicy().valueFor(data * parallel.context(), tensor);
            if (policy == PrecisionPolicy.AUTOCAST && fw.disablesAmpWithoutFsdp()
                    && (tensor > 1 || parallel.pipeline() > 1) && precision.isAmp()
                    && finetune != FinetuneMethod.QLORA) {      // a 4-bit base computes in half precision only
                policy = PrecisionPolicy.NONE;
                note(from, fw, Semantic.PRECISION_POLICY, "none (tensor or pipeline parallel without FSDP: "
                        + "mixed precision disabled, the run is fp32, not " + precision.wire() + ")", null);
            } else if (policy == PrecisionPolicy.FSDP2_MIXED && !precision.isAmp()) {
                note(from, fw, Semantic.PRECISION_POLICY, "autocast", "its default fsdp2_mixed needs fp32 "
                        + "parameters (precision amp-bf16 or amp-fp16), not " + precision.wire());
                policy = PrecisionPolicy.AUTOCAST;
            } else {
                note(from, fw, Semantic.PRECISION_POLICY, policy.wire(), null);
            }
        } else if (policy == PrecisionPolicy.FSDP2_MIXED && !precision.isAmp()) {
            throw new BadInputException("precision_policy: fsdp2_mixed casts fp32 parameters to half "
                    + "precision; use precision amp-bf16 or amp-fp16, not " + precision.wire());
        }

        Checkpointing ckpt = stated.checkpointing();
        if (ckpt == null) {
            ckpt = fw.checkpointing().valueFor(data, tensor);
            note(from, fw, Semantic.CHECKPOINTING, ckpt.wire(), null);
        }

        LossImpl loss = stated.loss();
        if (opts.contains(RunOption.CHUNKED_LOSS)) {
            if (loss != null && loss != LossImpl.CHUNKED) {
                throw new BadInputException("loss: " + loss.wire() + " contradicts option chunked_loss");
            }
            loss = LossImpl.CHUNKED;
        }
        if (loss == null) {
            loss = fw.loss().valueFor(data, tensor);
            note(from, fw, Semantic.LOSS, loss.wire(), null);
        } else if (loss == LossImpl.LOSS_PARALLEL && tensor == 1) {
            throw new BadInputException("loss: loss_parallel computes the loss on vocabulary shards and "
                    + "needs parallel.tensor > 1");
        }
        if (loss == LossImpl.CHUNKED) {
            opts.add(RunOption.CHUNKED_LOSS);
        }

        OptimizerImpl impl = stated.optimizerImpl();
        if (opts.contains(RunOption.FUSED_OPTIMIZER)) {
            if (impl != null && !impl.inPlace()) {
                throw new BadInputException("optimizer_impl: " + impl.wire()
                        + " contradicts option fused_optimizer");
            }
            impl = impl == null ? OptimizerImpl.FUSED : impl;
        }
        if (impl == null) {
            impl = fw.optimizerImpl().valueFor(data, tensor);
            String why = applies(impl, optimizer);
            if (why != null) {
                note(from, fw, Semantic.OPTIMIZER_IMPL, "foreach", "its default " + impl.wire() + " " + why);
                impl = OptimizerImpl.FOREACH;
            } else {
                note(from, fw, Semantic.OPTIMIZER_IMPL, impl.wire(), null);
            }
        } else {
            String why = applies(impl, optimizer);
            if (why != null) {
                throw new BadInputException("optimizer_impl: " + impl.wire() + " " + why);
            }
        }
        if (impl.inPlace()) {
            opts.add(RunOption.FUSED_OPTIMIZER);
        }
        Parallel layout = parallel;
        Integer zero = stated.zero();
        if (zero == null) {
            zero = sharding(fw, task, parallel, from);
        }
        if (impl == OptimizerImpl.MEGATRON_DISTRIBUTED && zero == 0) {
            zero = 1;
        }
        if (zero != parallel.zero()) {
            layout = parallel.withZero(zero);
        }
        SequenceParallel sp = stated.sequenceParallel();
        if (sp == null) {
            sp = fw.sequenceParallel().valueFor(data, tensor);
            if (sp == SequenceParallel.ON) {
                note(from, fw, Semantic.SEQUENCE_PARALLEL, sp.wire(), null);
            }
        }
        if (sp != layout.sequence()) {
            layout = layout.withSequence(sp);
        }

        boolean lora = finetune != FinetuneMethod.FULL;
        DType adapter = stated.adapterDtype();
        if (adapter == null && lora && fw != Framework.HF) {
            DType d = fw.adapterDtype().valueFor(data, tensor);
            adapter = d != null ? d : precision.paramDtype();
            note(from, fw, Semantic.ADAPTER_DTYPE, adapter.name().toLowerCase(java.util.Locale.ROOT), null);
        }
        Double dropout = stated.loraDropout();
        if (dropout == null) {
            dropout = fw.loraDropout().valueFor(data, tensor);
            if (lora) {
                note(from, fw, Semantic.LORA_DROPOUT, dropout.toString(), null);
            }
        }
        ModelCode code = stated.modelCode();
        if (code == null) {
            code = fw.modelCode().valueFor(data, tensor);
            note(from, fw, Semantic.MODEL_CODE, code.wire(), null);
        }
        Long bucket = stated.reduceBucket();
        if (bucket == null) {
            bucket = fw.reduceBucket().valueFor(data, tensor);
            if (bucket > 0) {
                note(from, fw, Semantic.REDUCE_BUCKET, bucket.toString(), null);
            }
        }
        // FSDP1 flat gradients: only a full-sharded (FlatParameter) LoRA training run mixes frozen and trainable
        // parameters in one wrapped block
        boolean flatMix = task == Task.TRAIN && lora && layout.zero() == 3 && layout.data() > 1;
        Boolean orig = stated.useOrigParams();
        if (orig == null) {
            orig = fw.useOrigParams().valueFor(data, tensor) && flatMix;
            if (orig) {
                note(from, fw, Semantic.USE_ORIG_PARAMS, "true", null);
            }
        } else if (orig && !flatMix) {
            throw new BadInputException("use_orig_params: true changes a FSDP1 full-sharded LoRA training run "
                    + "(task train, finetune lora or qlora, parallel.zero 3 with parallel.data > 1); this request is not");
        }
        ZeroBuffers buffers = zeroBuffers(fw, stated, data, tensor, layout.zero(), task, from);
        Offload offload = offload(fw, stated.offload(), task, layout);
        if (fw == Framework.HF) {
            from.clear();                   // hf's defaults are the estimator's own: nothing to explain
        }
        // no mixed precision: the fp32 parameters compute as they are
        Precision runs = policy == PrecisionPolicy.NONE && precision.isAmp() ? Precision.FP32 : precision;
        return new Resolved(new FrameworkSettings(fw, policy, loss, impl, dropout, code, bucket, orig, buffers,
                offload, from), ckpt, adapter, opts, layout, runs);
    }

    /**
     * @return the framework's ZeRO stage for data-parallel ranks, or hf's 0 where the estimator cannot run its
     *         sharding as the framework does (said in {@code from})
     */
    private static int sharding(Framework fw, Task task, Parallel parallel, Map<Semantic, String> from) {
        int zero = fw.sharding().valueFor(parallel.data(), parallel.tensor());
        if (parallel.data() == 1) {
            return zero;                   // nothing to shard: no note
        }
        if (zero >= 2 && task != Task.TRAIN) {
            note(from, fw, Semantic.SHARDING, "0", "default zero " + zero + " shards a training run; inference "
                    + "ranks are counted as replicas");
            return 0;
        }
        if (zero >= 2 && parallel.pipeline() > 1) {
            note(from, fw, Semantic.SHARDING, "0", "default zero " + zero + " over pipeline stages is not "
                    + "modelled: the estimator takes zero 2/3 only without pipeline parallelism (torchtitan's FSDP "
                    + "keeps the gathered parameters from forward to backward with pp: distributed/fsdp.py "
                    + "get_fsdp_reshard_after_forward_policy @114151a); state parallel.zero 1 for sharded optimizer "
                    + "states");
            return 0;
        }
        note(from, fw, Semantic.SHARDING, zero + (zero == 3 ? " (full sharding: parameters, gradients and "
                + "optimizer states 1/" + parallel.data() + " per rank)" : " (replicas: no sharding)"), null);
        return zero;
    }

    /**
     * @return DeepSpeed's ZeRO buffers: each stated field, else deepspeed's default (noted in {@code from} where the
     *         request's ZeRO stage uses it); {@link ZeroBuffers#NONE} for every other framework
     * @throws BadInputException when a buffer field is stated for a framework without a DeepSpeed engine
     */
    private static ZeroBuffers zeroBuffers(Framework fw, Stated stated, int data, int tensor, int zero, Task task,
                                           Map<Semantic, String> from) {
        if (fw != Framework.DEEPSPEED) {
            if (stated.statesZeroBuffers()) {
                throw new BadInputException("allgather_bucket_size, contiguous_gradients, stage3_prefetch_bucket_size, "
                        + "stage3_max_live_parameters: DeepSpeed zero_optimization settings; they apply to framework "
                        + "deepspeed, not " + fw.wire());
            }
            return ZeroBuffers.NONE;
        }
        boolean train = task == Task.TRAIN;
        Long allgather = stated.allgatherBucket();
        if (allgather == null) {
            allgather = fw.allgatherBucket().valueFor(data, tensor);
            if (train && (zero == 1 || zero == 2)) {
                note(from, fw, Semantic.ALLGATHER_BUCKET, allgather.toString(), null);
            }
        }
        Boolean contiguous = stated.contiguousGradients();
        if (contiguous == null) {
            contiguous = fw.contiguousGradients().valueFor(data, tensor);
            if (train && zero >= 1) {
                note(from, fw, Semantic.CONTIGUOUS_GRADIENTS, contiguous.toString(), null);
            }
        }
        Long prefetch = stated.prefetchBucket();
        if (prefetch == null) {
            prefetch = fw.prefetchBucket().valueFor(data, tensor);
            if (train && zero == 3 && data > 1) {
                note(from, fw, Semantic.PREFETCH_BUCKET, prefetch.toString(), null);
            }
        }
        Long live = stated.maxLiveParameters();
        if (live == null) {
            live = fw.maxLiveParameters().valueFor(data, tensor);
            if (train && zero == 3 && data > 1) {
                note(from, fw, Semantic.MAX_LIVE_PARAMETERS, live.toString(), null);
            }
        }
        return new ZeroBuffers(allgather, contiguous, prefetch, live);
    }

    /**
     * @return the stated offload (none when not stated), checked against the framework and layout
     * @throws BadInputException naming the field when the framework cannot offload that way
     */
    private static Offload offload(Framework fw, Offload stated, Task task, Parallel layout) {
        if (stated == null || stated == Offload.NONE) {
            return Offload.NONE;
        }
        if (task != Task.TRAIN) {
            throw new BadInputException("offload: " + stated.wire() + " offloads a training run's optimizer; "
                    + "this request is task " + task.wire());
        }
        if (stated == Offload.OPTIMIZER) {
            if (fw != Framework.DEEPSPEED || layout.zero() < 1) {
                throw new BadInputException("offload: optimizer is DeepSpeed's offload_optimizer (framework "
                        + "deepspeed, parallel.zero 1, 2 or 3); torch FSDP's CPUOffload moves the parameters too "
                        + "(optimizer_and_params); got framework " + fw.wire() + ", zero " + layout.zero());
            }
            return stated;
        }
        if (fw == Framework.MEGATRON || layout.zero() != 3 || layout.data() < 2) {
            throw new BadInputException("offload: optimizer_and_params is DeepSpeed ZeRO-3 offload_param or torch "
                    + "FSDP CPUOffload(offload_params=True): it needs parallel.zero 3 with parallel.data > 1 and a "
                    + "framework other than megatron; got framework " + fw.wire() + ", zero " + layout.zero()
                    + ", data " + layout.data());
        }
        return stated;
    }

    /** @return why {@code impl} does not apply to {@code optimizer}, or null when it does */
    private static String applies(OptimizerImpl impl, Optimizer optimizer) {
        return switch (impl) {
            case FOREACH -> null;
            case FUSED -> OptimizerModel.hasFusedImplementation(optimizer) ? null
                    : "applies to torch.optim's fused adam, adamw, sgd, sgd-momentum, not " + optimizer.wire();
            case DEEPSPEED_FUSED, MEGATRON_DISTRIBUTED, FOR_LOOP -> optimizer == Optimizer.ADAM
                    || optimizer == Optimizer.ADAMW ? null : "applies to adam and adamw, not " + optimizer.wire();
            case HF_ADAMW -> optimizer == Optimizer.ADAMW ? null
                    : "is transformers' AdamW and applies to adamw, not " + optimizer.wire();
        };
    }

    private static void note(Map<Semantic, String> from, Framework fw, Semantic s, String value, String fallback) {
        String src = fw.defaultOf(s).source();
        from.put(s, s.wire() + " " + value + ": " + (fallback == null ? fw.wire() + "'s default"
                : "hf's, because " + fw.wire() + "'s " + fallback) + " (" + src + ")");
    }
}
