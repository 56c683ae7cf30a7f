package dev.gpumem.estimate.step;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Framework;
import dev.gpumem.estimate.Offload;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.RunConfig.FinetuneMethod;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.ops.Part;
import dev.gpumem.estimate.optim.OptimizerModel;
import dev.gpumem.estimate.optim.ParamShape;
import dev.gpumem.estimate.parallel.PipelineStage;
import dev.gpumem.estimate.parallel.Sharding;
import dev.gpumem.estimate.step.ParamEntry.Where;
import dev.gpumem.estimate.timeline.TensorKind;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.TensorSpec;
import dev.gpumem.units.DType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every parameter tensor of the counted rank, re-typed by the run's precision, with its gradient, master copy,
 * optimizer states and temporaries, LoRA adapters and QLoRA quantization.
 *
 * <ul>
 *   <li>Weights are held in the precision's parameter dtype (fp32 for fp32 and amp-*, fp16/bf16 for the pure
 *       modes), except tensors the inventory marks as quantized and buffers, which keep their stored dtype.</li>
 *   <li>master_weights: half-precision weights and gradients, an fp32 master copy and fp32 optimizer states.</li>
 *   <li>LoRA: A (r × in) and B (out × r) on each target module's weight, fp32 by default (PEFT's
 *       {@code autocast_adapter_dtype=True} upcasts fp16/bf16 adapters, and PEFT casts lora_A's input to that
 *       dtype: an fp32 copy of the input is kept); {@code finetune.adapter_dtype} states another dtype, e.g. bf16 for
 *       torchtune (built under {@code set_default_dtype(bf16)}) and lit-gpt bf16-true. The base is frozen (no
 *       gradient, no state).</li>
 *   <li>QLoRA: block linear weights in nf4 (4 bits each) with one fp32 absmax per 64 weights (bitsandbytes
 *       {@code quantize_4bit} blocksize 64, no double quantization), unless the inventory already carries the
 *       quantized tensors and their QUANT_STATE constants; every use makes a transient dequantized copy in the
 *       compute dtype.</li>
 *   <li>precision_policy fsdp2_mixed (FSDP2 {@code MixedPrecisionPolicy(param_dtype=bf16, reduce_dtype=fp32)},
 *       torch/distributed/fsdp/_fully_shard/_fsdp_param.py): fp32 sharded parameters, gradients and states; each
 *       parameter's unsharded copy is cast to the compute dtype when gathered (a bf16 copy of every parameter of the
 *       block being computed, also on one rank); no autocast copies; the bf16 unsharded gradient is cast to fp32
 *       for the reduce-scatter (the half and full gradient temporaries). LoRA adapters get no gathered copy (they are
 *       small; not modelled).</li>
 * </ul>
 */
public final class ModelState {
    /** bitsandbytes 4-bit blocksize: one absmax per 64 weights */
    static final long NF4_BLOCK = 64;

    private final List<ParamEntry> embedding = new ArrayList<>();
    private final List<ParamEntry> head = new ArrayList<>();
    private final List<List<ParamEntry>> blocks = new ArrayList<>();
    private long params;
    private long trainableParams;
    /** DeepSpeed ZeRO-1/2 offload: the device staging buffer, or null */
    private TensorKind offloadStaging;
    /** DeepSpeed ZeRO-1/2 offload: the host twin of the staging buffer, or null */
    private TensorKind hostStaging;

    private ModelState() {
    }

    /**
     * @param inv      the model
     * @param cfg      the request
     * @param sharding the rank's share
     * @param stage    the pipeline stage of this rank: its blocks (indexed here by their position on the stage),
     *                 whether it holds the embedding and the final norm + LM head
     * @param training whether gradients and optimizer tensors exist
     */
    public static ModelState of(Inventory inv, RunConfig cfg, Sharding sharding, PipelineStage stage,
                                boolean training) {
        Set<String> modules = cfg.finetune().method() == FinetuneMethod.FULL ? Set.of()
                : LoraTargets.modules(inv, cfg.finetune().targets());
        return new Builder(inv, cfg, sharding, stage, training, modules).build();
    }

    /** Builds the entries; tensors that differ only by their block index share one set of kinds. */
    private static final class Builder {
        private final Inventory inv;
        private final RunConfig cfg;
        private final Sharding sharding;
        private final PipelineStage stage;
        private final int layers;
        private final boolean training;
        private final Precision p;
        private final FinetuneMethod ft;
        private final boolean quantizeBase;
        private final DType quantDtype;
        private final boolean inventoryQuantized;
        private final Set<String> targets;
        private final OptimizerModel optimizer;
        private final DType paramDtype;
        /** FSDP2 mixed precision: every parameter is cast to the compute dtype when gathered; no autocast */
        private final boolean fsdp2;
        /** FSDP1 use_orig_params: a block's frozen parameters share the gradient of its FlatParameter */
        private final boolean flatGrads;
        private final Map<String, ParamEntry> templates = new HashMap<>();
        private final ModelState m = new ModelState();
        /** what leaves the device (request field offload) */
        private final Offload offload;
        private final boolean deepspeed;
        /** elements of the largest trainable tensor on this rank, with its dtype (DeepSpeed's offload buffers) */
        private long largestTrainable;
        private DType largestDtype;

        Builder(Inventory inv, RunConfig cfg, Sharding sharding, PipelineStage stage, boolean training,
                Set<String> modules) {
            this.inv = inv;
            this.cfg = cfg;
            this.sharding = sharding;
            this.stage = stage;
            this.layers = stage.layers();
            this.training = training;
            this.p = cfg.precision();
            this.ft = cfg.finetune().method();
            this.quantizeBase = ft == FinetuneMethod.QLORA;
            this.quantDtype = cfg.finetune().quant() == null ? DType.NF4 : cfg.finetune().quant();
            boolean q = false;
            for (TensorSpec t : inv.tensors()) {
                q |= t.quantized();
            }
            this.inventoryQuantized = q;
            this.targets = modules;
            this.optimizer = new OptimizerModel(cfg.optimizer(),
                    cfg.options().contains(RunConfig.RunOption.FUSED_OPTIMIZER), cfg.framework().optimizerImpl());
            this.paramDtype = cfg.masterWeights() ? p.computeDtype() : p.paramDtype();
            this.fsdp2 = cfg.framework().precisionPolicy() == RunConfig.PrecisionPolicy.FSDP2_MIXED;
            this.flatGrads = cfg.framework().useOrigParams() && sharding.shardsParameters() && training
                    && ft != FinetuneMethod.FULL;
            this.offload = training ? cfg.framework().offload() : Offload.NONE;
            this.deepspeed = cfg.framework().framework() == Framework.DEEPSPEED;
        }

        ModelState build() {
            for (int i = 0; i < layers; i++) {
                m.blocks.add(new ArrayList<>());
            }
            for (TensorSpec t : inv.tensors()) {
                visit(t);
            }
            int zero = sharding.zero();
            if (offload.optimizer() && deepspeed && (zero == 1 || zero == 2) && largestTrainable > 0) {
                // stage_1_and_2.py @38327e0 __init__ (cpu_offload): torch.zeros(largest_param_numel, dtype=self.dtype)
                // once on the device (temp_grad_buffer_for_gpu_offload) and once on the host (..._for_cpu_offload)
                m.offloadStaging = TensorKind.ofElements("gradients.deepspeed_offload_staging", Component.GRADIENTS,
                        Source.DEEPSPEED_OFFLOAD, largestDtype, "largest_param_numel",
                        Long.toString(largestTrainable), largestTrainable);
                m.hostStaging = TensorKind.ofElements("host.deepspeed_offload_staging", Component.GRADIENTS,
                        Source.DEEPSPEED_OFFLOAD, largestDtype, "largest_param_numel",
                        Long.toString(largestTrainable), largestTrainable);
            }
            return m;
        }

        private void visit(TensorSpec t) {
            Where where = t.layer() >= 0 ? Where.BLOCK : t.group() == ParamGroup.EMBEDDING ? Where.EMBEDDING
                    : Where.HEAD;
            int local = where == Where.BLOCK ? stage.localLayer(t.layer()) : -1;
            if (t.isParameter()) {
                m.params += t.numel();
                if (ft == FinetuneMethod.FULL && !t.quantized()) {
                    m.trainableParams += t.numel();
                }
            }
            boolean adapted = ft != FinetuneMethod.FULL && LoraTargets.adaptable(t)
                    && targets.contains(t.moduleName());
            if (adapted) {
                long lora = (long) cfg.finetune().rank() * (t.shape().get(0) + t.shape().get(1));
                m.params += lora;
                m.trainableParams += lora;
            }
            if (where == Where.BLOCK && local < 0) {
                return;                            // another pipeline stage
            }
            if (where == Where.EMBEDDING && !stage.holdsEmbedding()) {
                if (!lastStageCopy(t)) {
                    return;                        // on the first stage
                }
                where = Where.HEAD;
            }
            if (where == Where.HEAD && !stage.holdsHead()) {
                return;                            // on the last stage
            }
            if (t.group() == ParamGroup.QUANT_STATE) {
                return;                            // attached to their weights
            }
            String sym = symbol(t);
            ParamEntry tpl = templates.get(sym);
            if (tpl != null && tpl.where() == where && tpl.weightNumel() == t.numel()) {
                m.place(tpl.at(local));
            } else {
                ParamEntry e = entry(t, where, sym, local);
                templates.put(sym, e);
                m.place(e);
            }
            if (adapted) {
                long out = t.shape().get(0);
                long in = t.shape().get(1);
                long r = cfg.finetune().rank();
                adapter(local, Part.of(t), "lora_A." + sym, List.of(r, in));
                adapter(local, Part.of(t), "lora_B." + sym, List.of(out, r));
            }
        }

        /**
         * Tied embeddings with the head on another stage: the last stage keeps its own copy of the word-embedding
         * matrix as the output weight, a parameter with its gradient and optimizer states whose gradient is
         * all-reduced with the first stage's (NVIDIA/Megatron-LM
         * megatron/core/models/common/language_module/language_module.py @00c2c0a
         * setup_embeddings_and_output_layer: "Create a second copy of word_embeddings on the last stage").
         */
        private boolean lastStageCopy(TensorSpec t) {
            var a = inv.architecture();
            return stage.holdsHead() && a.tiedEmbeddings() && t.isParameter()
                    && t.numel() == (long) a.vocabSize() * a.hiddenSize();
        }

        /** @param local the block's position on the stage, or -1 outside blocks */
        private ParamEntry entry(TensorSpec t, Where where, String sym, int local) {
            Part part = Part.of(t);
            DType compute = p.computeDtype();
            boolean linearWeight = t.shape().size() == 2 && where == Where.BLOCK && t.name().endsWith("weight");
            boolean quantized = t.quantized() || (quantizeBase && linearWeight && !inventoryQuantized);
            boolean trainable = ft == FinetuneMethod.FULL && t.isParameter() && !t.quantized();
            DType wd = quantized ? (t.quantized() ? t.dtype() : quantDtype)
                    : t.group() == ParamGroup.BUFFER ? t.dtype() : paramDtype;
            long tpN = sharding.modelParallelNumel(t);
            boolean routed = sharding.routedExpert(t);
            // FSDP full shard / ZeRO-3 shards every parameter of a wrapped block, frozen or not
            boolean sharded = sharding.shardsParameters() && t.isParameter();
            long wN = sharded ? sharding.partition(tpN, routed) : tpN;
            TensorKind weight = param("weights." + sym, Component.WEIGHTS, Source.INVENTORY, wd, sym, wN);
            TensorKind quantState = null;
            TensorKind dequant = null;
            if (quantized) {
                long qs = quantStateBytes(inv, t, tpN);
                quantState = new TensorKind("weights.quant_state." + sym, Component.WEIGHTS, Source.QLORA_2023,
                        "⌈n(" + sym + ")/64⌉·4 B", "⌈" + tpN + "/64⌉·4", qs);
                dequant = param("temporary.dequantized." + sym, Component.TEMPORARY, Source.QLORA_2023, compute, sym,
                        tpN);
            }
            // FSDP2 MixedPrecisionPolicy(param_dtype=bf16): the unsharded parameter is a bf16 copy even on one rank
            TensorKind gathered = sharded || (fsdp2 && t.isParameter())
                    ? param("temporary.zero3_gathered." + sym, Component.TEMPORARY, Source.FSDP_2023,
                    quantized ? wd : p.isAmp() ? compute : paramDtype, sym, tpN) : null;
            TensorKind autocast = p.isAmp() && !fsdp2 && linearWeight && !quantized && gathered == null
                    ? param("weights.autocast_copy." + sym, Component.WEIGHTS, Source.PYTORCH_AUTOCAST, compute, sym,
                    tpN) : null;
            ParamEntry e = derived(where, local, part, trainable, weight, t.numel(), quantState, dequant,
                    gathered, autocast, trainable ? new ParamShape(sym, t.shape(), tpN, false) : null, paramDtype,
                    routed);
            if (offload.params() && sharded) {
                // DeepSpeed offload_param / FSDP CPUOffload(offload_params=True): the shard lives on the host, the
                // gathered copy is made on the device for compute
                List<TensorKind> host = new ArrayList<>(e.host());
                host.add(0, weight);
                e = new ParamEntry(e.where(), e.layer(), e.part(), e.trainable(), e.weight(), e.weightNumel(),
                        e.quantState(), e.dequant(), e.gathered(), e.autocastCopy(), e.halfGrad(), e.fullGrad(),
                        e.grad(), e.master(), e.states(), e.temporaries(), host);
            }
            return flatGrads && !trainable && where == Where.BLOCK && t.isParameter() && !quantized
                    ? flatGradient(e, sym, tpN, wd) : e;
        }

        /**
         * FSDP1 with use_orig_params=True: a wrapped block (the FSDP unit) whose FlatParameter mixes frozen weights
         * and LoRA adapters requires grad as a whole, so autograd produces the unsharded gradient of the whole flat
         * parameter, frozen part included, and the reduce-scatter leaves each rank the shard of all of it, kept
         * until zero_grad (pytorch/pytorch torch/distributed/fsdp/_wrap_utils.py @fff02e6 _validate_frozen_params:
         * "the gradient memory usage will be higher than expected (total numel instead of nonfrozen numel before
         * sharding via reduce-scatter)"; _runtime_utils.py _reduce_grad, flat_param._saved_grad_shard).
         */
        private ParamEntry flatGradient(ParamEntry e, String sym, long n, DType dtype) {
            TensorKind full = param("temporary.full_grad.flat." + sym, Component.TEMPORARY, Source.FSDP_2023, dtype,
                    sym, n);
            TensorKind grad = param("gradients.flat." + sym, Component.GRADIENTS, Source.FSDP_2023, dtype, sym,
                    sharding.partition(n));
            return new ParamEntry(e.where(), e.layer(), e.part(), false, e.weight(), e.weightNumel(), e.quantState(),
                    e.dequant(), e.gathered(), e.autocastCopy(), null, full, grad, null, List.of(), List.of());
        }

        private void adapter(int layer, Part part, String sym, List<Long> shape) {
            ParamEntry tpl = templates.get(sym);
            if (tpl != null) {
                m.place(tpl.at(layer));
                return;
            }
            long n = shape.get(0) * shape.get(1);
            DType ad = adapterDtype(cfg);
            TensorKind weight = param("weights.lora." + sym, Component.WEIGHTS, Source.LORA_2021, ad, sym, n);
            TensorKind autocast = p.isAmp() && !fsdp2 && ad != p.computeDtype() ? param("weights.autocast_copy.lora." + sym,
                    Component.WEIGHTS, Source.PYTORCH_AUTOCAST, p.computeDtype(), sym, n) : null;
            ParamEntry e = derived(Where.BLOCK, layer, part, true, weight, n, null, null, null, autocast,
                    new ParamShape(sym, shape, n, false), ad, false);
            templates.put(sym, e);
            m.place(e);
        }

        /** The gradient, master copy, optimizer states and temporaries of a weight. */
        private ParamEntry derived(Where where, int layer, Part part, boolean trainable, TensorKind weight,
                                   long numel, TensorKind quantState, TensorKind dequant, TensorKind gathered,
                                   TensorKind autocast, ParamShape shape, DType dtype, boolean routed) {
            TensorKind halfGrad = null;
            TensorKind fullGrad = null;
            TensorKind grad = null;
            TensorKind master = null;
            List<TensorKind> states = List.of();
            List<TensorKind> temps = List.of();
            if (trainable && training) {
                String sym = shape.symbol();
                long n = shape.numel();
                if (autocast != null || (gathered != null && p.isAmp())) {
                    halfGrad = param("temporary.half_grad." + sym, Component.TEMPORARY, Source.PYTORCH_AUTOCAST,
                            p.computeDtype(), sym, n);
                }
                long gN = sharding.shardsGradients() ? sharding.partition(n, routed) : n;
                if (sharding.shardsGradients()) {
                    fullGrad = param("temporary.full_grad." + sym, Component.TEMPORARY, Source.ZERO_2020, dtype, sym,
                            n);
                }
                grad = param("gradients." + sym, Component.GRADIENTS, Source.INVENTORY, dtype, sym, gN);
                long sN = sharding.shardsStates() ? sharding.partition(n, routed) : n;
                DType stateDtype = dtype;
                if (cfg.masterWeights() && dtype != DType.FP32) {
                    master = param("master_weights." + sym, Component.MASTER_WEIGHTS, Source.ZERO_2020, DType.FP32,
                            sym, sN);
                    stateDtype = DType.FP32;
                }
                ParamShape rankShape = new ParamShape(sym, shape.shape(), sN, sN != shape.fullNumel());
                states = optimizer.states(rankShape, stateDtype);
                temps = optimizer.temporaries(rankShape, stateDtype, dtype);
                if (offload.optimizer()) {
                    if (n > largestTrainable) {
                        largestTrainable = n;
                        largestDtype = dtype;
                    }
                    // the master copy, the states and the gradient partition live on the host; the step runs
                    // there (its temporaries are host memory, not counted); the gradient autograd hands on is a
                    // transient on the device until it is copied to its host partition
                    List<TensorKind> host = new ArrayList<>();
                    if (master != null) {
                        host.add(master);
                    }
                    host.addAll(states);
                    if (deepspeed) {
                        // the fp32 partition's .grad (stage_1_and_2.py initialize_optimizer_states, stage3.py
                        // initialize_optimizer_states: subgroup_gradient_buffer on the cpu)
                        host.add(param("gradients.fp32_partition." + sym, Component.GRADIENTS,
                                Source.DEEPSPEED_OFFLOAD, DType.FP32, sym, sN));
                        if (sharding.zero() == 3) {
                            // stage3.py __init__: grad_partitions_flat_buffer (gradient_accumulation_dtype, the model
                            // dtype under ZeRO: engine.py get_data_types) on self.device = cpu
                            host.add(param("gradients.partition." + sym, Component.GRADIENTS,
                                    Source.DEEPSPEED_OFFLOAD, dtype, sym, gN));
                        }
                    } else {
                        host.add(param("gradients." + sym, Component.GRADIENTS, Source.FSDP_CPU_OFFLOAD, dtype, sym,
                                gN));
                    }
                    if (fullGrad == null) {
                        fullGrad = param("temporary.full_grad." + sym, Component.TEMPORARY, deepspeed
                                ? Source.DEEPSPEED_OFFLOAD : Source.FSDP_CPU_OFFLOAD, dtype, sym, n);
                    }
                    return new ParamEntry(where, layer, part, trainable, weight, numel, quantState, dequant, gathered,
                            autocast, halfGrad, fullGrad, null, null, List.of(), List.of(), host);
                }
            }
            return new ParamEntry(where, layer, part, trainable, weight, numel, quantState, dequant, gathered,
                    autocast, halfGrad, fullGrad, grad, master, states, temps);
        }
    }

    private void place(ParamEntry e) {
        switch (e.where()) {
            case EMBEDDING -> embedding.add(e);
            case HEAD -> head.add(e);
            case BLOCK -> blocks.get(e.layer()).add(e);
        }
    }

    /**
     * @return the LoRA adapters' dtype: {@code finetune.adapter_dtype}, else fp32 (PEFT's default
     *         {@code autocast_adapter_dtype=True} upcasts fp16/bf16 adapters; amp and fp32 runs hold fp32 parameters
     *         anyway). The same dtype decides the weights, gradients, states and the input copy lora_A keeps.
     */
    static DType adapterDtype(RunConfig cfg) {
        return cfg.finetune().adapterDtype() != null ? cfg.finetune().adapterDtype() : DType.FP32;
    }

    private static long quantStateBytes(Inventory inv, TensorSpec t, long tpN) {
        String prefix = t.name().endsWith(".weight") ? t.name().substring(0, t.name().length() - "weight".length())
                : t.name() + ".";
        long fromInventory = 0;
        for (TensorSpec q : inv.tensors()) {
            if (q.group() == ParamGroup.QUANT_STATE && q.name().startsWith(prefix)) {
                fromInventory += q.storedBytes();
            }
        }
        if (fromInventory > 0) {
            return fromInventory;
        }
        return (tpN + NF4_BLOCK - 1) / NF4_BLOCK * 4;
    }

    /** The tensor name without its block index, e.g. {@code self_attn.q_proj.weight}. */
    static String symbol(TensorSpec t) {
        String n = t.name();
        if (t.layer() >= 0) {
            String idx = "." + t.layer() + ".";
            int at = n.indexOf(idx);
            if (at >= 0) {
                return n.substring(at + idx.length());
            }
        }
        if (n.startsWith("model.")) {
            return n.substring("model.".length());
        }
        return n;
    }

    private static TensorKind param(String name, Component component, Source source, DType dtype, String sym,
                                    long n) {
        return TensorKind.ofElements(name, component, source, dtype, "n(" + sym + ")", Long.toString(n), n);
    }

    public List<ParamEntry> embedding() {
        return embedding;
    }

    public List<ParamEntry> head() {
        return head;
    }

    /** @return the entries of block {@code layer} */
    public List<ParamEntry> block(int layer) {
        return blocks.get(layer);
    }

    public int layers() {
        return blocks.size();
    }

    /** @return every entry, in load order (embedding, blocks, head) */
    public List<ParamEntry> all() {
        List<ParamEntry> out = new ArrayList<>(embedding);
        for (List<ParamEntry> b : blocks) {
            out.addAll(b);
        }
        out.addAll(head);
        return out;
    }

    /** @return DeepSpeed ZeRO-1/2 offload's device staging buffer, or null */
    public TensorKind offloadStaging() {
        return offloadStaging;
    }

    /** @return what lives in host memory: every entry's host tensors and DeepSpeed's host staging buffer */
    public List<TensorKind> hostTensors() {
        List<TensorKind> out = new ArrayList<>();
        for (ParamEntry e : all()) {
            out.addAll(e.host());
        }
        if (hostStaging != null) {
            out.add(hostStaging);
        }
        return out;
    }

    /** @return parameters of the whole model (published-count convention, adapters included) */
    public long params() {
        return params;
    }

    /** @return parameters that receive gradients (whole model, before sharding) */
    public long trainableParams() {
        return trainableParams;
    }
}
