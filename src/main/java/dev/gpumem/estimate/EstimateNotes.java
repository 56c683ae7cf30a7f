package dev.gpumem.estimate;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.FinetuneMethod;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.RunOption;
import dev.gpumem.estimate.RunConfig.Task;
import dev.gpumem.estimate.device.Calibration;
import dev.gpumem.estimate.parallel.PipelineLayout;
import dev.gpumem.estimate.parallel.PipelineStage;
import dev.gpumem.estimate.parallel.StageChoice;
import dev.gpumem.model.Architecture.StackKind;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Traits.AttentionKind;
import dev.gpumem.model.Traits.NormPlacement;
import dev.gpumem.model.Traits.NormWeight;
import dev.gpumem.model.Traits.QkNorm;
import dev.gpumem.model.Traits.Softcapping;
import dev.gpumem.model.Traits;
import dev.gpumem.units.ByteFormat;
import java.util.ArrayList;
import java.util.List;

/** The assumptions behind an estimate, one sentence each, in the order a reader meets them. */
final class EstimateNotes {
    private EstimateNotes() {
    }

    /** Which stage was counted, what it holds and how many micro-batches its schedule keeps in flight. */
    static String pipelineNote(Architecture arch, RunConfig cfg, PipelineStage stage) {
        PipelineLayout layout = cfg.parallel().pipelineLayout();
        int p = stage.stages();
        int s = stage.index();
        int m = cfg.gradAccum();
        StringBuilder b = new StringBuilder("pipeline: stage ").append(s).append(" of ").append(p).append(" (")
                .append(layout.stage().kind() == StageChoice.Kind.WORST ? "the highest peak of the " + p + " stages"
                        : "parallel.stage " + layout.stage().wire()).append(") holds blocks ");
        List<String> ranges = new ArrayList<>();
        for (PipelineStage.Chunk c : stage.chunks()) {
            ranges.add(c.firstLayer() + ".." + (c.firstLayer() + c.layers() - 1));
        }
        b.append(String.join(", ", ranges)).append(" (").append(stage.layers()).append(" of ")
                .append(arch.totalBlocks()).append(')');
        if (stage.holdsEmbedding()) {
            b.append(", the embedding");
        }
        if (stage.holdsHead()) {
            b.append(", the final norm, LM head and loss (computed at the end of each forward)");
        }
        b.append("; schedule ").append(layout.schedule().wire()).append(": ").append(stage.inFlight());
        switch (layout.schedule()) {
            case GPIPE -> b.append(" micro-batches in flight (all grad_accum = ").append(m).append(')');
            case ONE_F_ONE_B -> b.append(" micro-batches in flight (min(p − s, grad_accum) = min(").append(p - s)
                    .append(", ").append(m).append("))");
            case INTERLEAVED_1F1B -> b.append(" chunk-micro-batches in flight (").append(layout.virtualStages())
                    .append(" chunks per stage; min((p − s − 1)·2 + (v − 1)·p + 1, grad_accum·v), Megatron-LM's "
                            + "warmup + 1)");
        }
        return b.toString();
    }

    static List<String> of(Architecture arch, RunConfig cfg, Calibration cal) {
        return of(arch, cfg, PipelineStage.whole(arch.totalBlocks()), cal);
    }

    /** @param stage the pipeline stage the estimate counted */
    static List<String> of(Architecture arch, RunConfig cfg, PipelineStage stage, Calibration cal) {
        List<String> n = new ArrayList<>();
        if (cfg.framework().framework() != Framework.HF) {
            n.add("framework " + cfg.framework().framework().wire() + ": " + cfg.framework().framework().description()
                    + "; fields the request states itself beat its defaults");
        }
        n.addAll(new java.util.TreeMap<>(cfg.framework().fromFramework()).values());
        if (cfg.framework().loraDropout() > 0 && cfg.finetune().method() != FinetuneMethod.FULL) {
            n.add("lora_dropout " + cfg.framework().loraDropout() + ": each adapted module keeps its dropped input "
                    + "(adapter dtype) and a bool mask instead of its input");
        }
        if (cfg.framework().reduceBucket() > 0 && cfg.task() == Task.TRAIN) {
            int zero = cfg.parallel().zero();
            boolean deepspeed = cfg.framework().framework() == Framework.DEEPSPEED;
            if (cfg.framework().ipgBucketElements() == 0) {
                n.add("contiguous_gradients false: no reduce bucket (DeepSpeed flattens each bucket's gradients as "
                        + "it reduces them; not modelled)");
            } else if (zero == 1 || zero == 2) {
                n.add("reduce_bucket_size " + cfg.framework().reduceBucket() + ": DeepSpeed "
                        + "ZeRO-" + zero + " allocates a flat reduce bucket of that many elements at every backward "
                        + "(contiguous_gradients), kept until the next one");
            } else if (zero == 3 && deepspeed) {
                n.add("reduce_bucket_size " + cfg.framework().reduceBucket() + ": DeepSpeed ZeRO-3 allocates one "
                        + "flat reduce bucket of that many elements when the optimizer is built (contiguous_gradients) "
                        + "and keeps it; the stage-3 prefetch gathers whole parameters of the following blocks up to "
                        + "min(stage3_max_live_parameters - live, stage3_prefetch_bucket_size) elements; "
                        + "stage3_max_reuse_distance (parameters kept gathered for reuse) is not modelled");
            } else {
                n.add("reduce_bucket_size: applies to DeepSpeed ZeRO-1/2/3; ZeRO-0 has no bucket");
            }
        }
        if (cfg.framework().framework() == Framework.DEEPSPEED && cfg.task() == Task.TRAIN
                && (cfg.parallel().zero() == 1 || cfg.parallel().zero() == 2) && cfg.parallel().data() > 1) {
            n.add("allgather_bucket_size " + cfg.framework().zeroBuffers().allgatherBucket() + ": no buffer of its "
                    + "own; the updated partitions are all-gathered into the flat bit16 groups in place");
        }
        if (cfg.framework().offload() != Offload.NONE) {
            n.add("offload " + cfg.framework().offload().wire() + ": master weights, optimizer states and gradient "
                    + "partitions" + (cfg.framework().offload().params() ? " and the parameter shards" : "")
                    + " live in host memory (result field host.host_bytes) and the optimizer steps on the CPU; "
                    + "each gradient is a device transient until copied to the host"
                    + (cfg.framework().framework() == Framework.DEEPSPEED && cfg.parallel().zero() <= 2
                    ? "; DeepSpeed keeps one device staging buffer of the largest parameter's elements" : ""));
        }
        if (cfg.framework().modelCode() == RunConfig.ModelCode.LITGPT) {
            n.add("model_code litgpt: lit-gpt's own block (lit_gpt/model.py @8641822): RMSNorm in the input dtype "
                    + "keeping x and its rsqrt, one fused qkv whose q/k/v are views with as many kv heads as heads "
                    + "(SDPA's v keeps the whole output; with fewer kv heads k and v are copied to every head), one "
                    + "LoRA dropout for the fused qkv, zero_pad's index_copy source kept when not all of q, k, v are "
                    + "adapted, fused F.gelu(approximate=\"tanh\") for gelu_new");
        }
        n.add("allocated is torch.cuda.max_memory_allocated as torch counts it: every live tensor rounded up to "
                + "512 B, plus the whole of each large block whose remainder (at most 1 MiB) was not split off "
                + "(term allocator.unsplit_remainders)");
        n.add("reserved comes from a model of the PyTorch caching allocator (2 MiB / 20 MiB / 2 MiB-rounded "
                + "segments, best fit, splitting, no empty_cache), one stream, default PYTORCH_CUDA_ALLOC_CONF");
        int groups = Estimator.ncclBuffers(cfg.parallel(), cal).size();
        n.add(groups == 0 ? "device = reserved + " + ByteFormat.mib(cal.contextBytes()) + " of CUDA context ("
                + cal.provenance() + "); NCCL buffers and other processes are not included"
                : "device = reserved + " + ByteFormat.mib(cal.contextBytes()) + " of CUDA context (" + cal.provenance()
                + ") + NCCL buffers of " + groups + " communicator" + (groups == 1 ? "" : "s") + " (data, tensor, "
                + "pipeline groups with more than one rank), " + ByteFormat.mib(cal.ncclCommunicatorBytes())
                + " each (" + (dev.gpumem.estimate.device.DeviceDefaults.ncclIsDefault(cal)
                ? "a default of 2 channels, not a measurement" : "from the calibration") + "; component context); other processes are not included");
        if (cal.workspaceBytes() > 0) {
            n.add("the cuBLAS workspace (" + ByteFormat.mib(cal.workspaceBytes()) + ", one handle and stream) is "
                    + "allocated through the caching allocator at the first matmul and counted in allocated");
        }
        if (cfg.gpu() == null) {
            n.add("no gpu given: device constants are the ampere defaults");
        } else {
            cfg.gpu().archNote().ifPresent(n::add);
        }
        if (cfg.task() == Task.TRAIN) {
            n.add("activations follow Hugging Face transformers' module code op by op, keeping what PyTorch autograd "
                    + "saves for backward; residual adds keep nothing; dropout with p = 0 is the identity");
            String norms = normsNote(arch);
            if (norms != null) {
                n.add(norms);
            }
            if (arch.activation() == Architecture.Activation.GELU_NEW && !cfg.options().contains(RunOption.COMPILE)
                    && cfg.framework().modelCode() != RunConfig.ModelCode.LITGPT) {
                n.add("gelu_new (the config's activation) runs as transformers' NewGELUActivation, separate Python "
                        + "ops that keep 0.5·x, tanh(..) and 1 + tanh(..) besides x: three b·s·i tensors per layer "
                        + "more than a fused GELU; for a framework with a fused GELU (lit-gpt's F.gelu(approximate="
                        + "\"tanh\"), nanoGPT's nn.GELU) set the config's activation to gelu_pytorch_tanh in "
                        + "model_overrides");
            }
            n.add("the model output (logits) is dropped before backward, as HF Trainer and "
                    + "model(**batch).loss.backward() do; the loss upcasts logits to fp32 (transformers >= 4.46)");
            if (cfg.attention() == AttentionKernel.SDPA) {
                n.add("sdpa: flash/memory-efficient kernels keep q, k, v at kv heads (enable_gqa, torch >= 2.5), the "
                        + "output and an fp32 logsumexp; no s x s tensor");
            } else {
                n.add("eager: HF repeat_kv copies k and v to all heads; scores, fp32 softmax output and its cast "
                        + "are b·a·s·s tensors");
            }
            if (cfg.framework().precisionPolicy() == RunConfig.PrecisionPolicy.FSDP2_MIXED) {
                n.add("fsdp2_mixed: fp32 parameters, gradients and optimizer states sharded over the data-parallel "
                        + "ranks; each block's parameters are gathered as a half-precision copy (the next block "
                        + "prefetched), the forward, residual stream included, runs in half precision without "
                        + "autocast; gradients are cast to fp32 for the reduce-scatter");
            } else if (cfg.precision().isAmp()) {
                n.add("amp: the residual stream and norms stay fp32; each linear casts its input to half precision "
                        + "itself; autocast copies of the weights live until their block's backward");
            }
            if (cfg.checkpointing() == Checkpointing.FULL) {
                n.add("full checkpointing: only each block's input is kept; one block is recomputed at a time "
                        + "in backward");
            } else if (cfg.checkpointing() == Checkpointing.SELECTIVE_OP) {
                n.add("selective_op (torchtitan per-op SAC, torchtitan/distributed/activation_checkpoint.py): each "
                        + "block keeps its input, the 1st, 3rd, 5th... matmul outputs and the attention kernel's "
                        + "outputs; the rest is recomputed in backward, one block at a time");
            } else if (cfg.checkpointing() == Checkpointing.SELECTIVE) {
                n.add("selective checkpointing: the attention core (scores, softmax, dropout) is recomputed in "
                        + "backward (Korthikanti et al. 2022, §4.2); with sdpa there is nothing to recompute");
            }
            n.add(optimizerNote(cfg.optimizer(), cfg.framework().optimizerImpl()));
            if (cfg.options().contains(RunOption.ZERO_GRAD_IN_PLACE)) {
                n.add("zero_grad_in_place: zero_grad(set_to_none=False) (torch < 2.0 default) zeroes the gradients "
                        + "without freeing them, so they stay allocated through the next forward");
            }
            if (cfg.options().contains(RunOption.FUSED_OPTIMIZER)) {
                n.add("fused_optimizer: torch.optim fused=True updates parameters and states in place in one kernel "
                        + "per tensor group; adam/adamw keep no sqrt(exp_avg_sq) temporary");
            }
            if (cfg.masterWeights()) {
                n.add("master_weights: half-precision weights and gradients, fp32 master copy and fp32 states "
                        + "(partitioned like the states under ZeRO)");
            }
            if (cfg.finetune().method() == FinetuneMethod.LORA || cfg.finetune().method() == FinetuneMethod.QLORA) {
                String ad = cfg.finetune().adapterDtype() != null
                        ? "LoRA adapters are " + cfg.finetune().adapterDtype().name().toLowerCase()
                        + " (finetune.adapter_dtype)"
                        : "LoRA adapters are fp32 (PEFT autocast_adapter_dtype=True; lora_A keeps an fp32 copy of "
                        + "its input); torchtune and lit-gpt bf16-true build bf16 adapters: set "
                        + "finetune.adapter_dtype bf16";
                n.add(ad + "; the frozen base keeps no gradient "
                        + "or state, and its plain linears keep no input for backward; q/k/v targets on a model "
                        + "with a fused qkv projection adapt the fused module");
            }
            if (cfg.finetune().method() == FinetuneMethod.QLORA) {
                n.add("qlora: block linear weights in nf4 with one fp32 absmax per 64 weights (no double "
                        + "quantization) unless the model carries its own quantization constants; each use makes a "
                        + "transient dequantized copy");
            }
            if (cfg.gradAccum() > 1) {
                n.add("gradient accumulation: gradients persist across micro-steps; each later micro-step makes a "
                        + "new gradient and adds it in place");
            }
            if (cfg.options().contains(RunOption.CHUNKED_LOSS)) {
                if (cfg.framework().modelCode() == RunConfig.ModelCode.LITGPT && !cfg.options().contains(
                        RunOption.COMPILE)) {
                    n.add("chunked_loss: lit-gpt's lm_head_chunk_size=128 and chunked_cross_entropy: 128-token "
                            + "chunks, cross-entropy on each compute-dtype chunk (no upcast), every chunk's logits "
                            + "(the train loop's list) and log-softmax output kept into backward");
                } else {
                    n.add("chunked_loss: torchtune CEWithChunkedOutputLoss with 8 chunks: one chunk's fp32 upcast "
                            + "at a time, every chunk's fp32 log-softmax output kept for backward (not Liger's fused "
                            + "linear cross-entropy, which keeps less)");
                }
                if (cfg.options().contains(RunOption.COMPILE)) {
                    n.add("chunked_loss + compile: each chunk's upcast and cross-entropy are one compiled graph "
                            + "(torchtune compiles compute_cross_entropy); the min-cut partitioner saves only the "
                            + "chunk's compute-dtype logits and two fp32 values per token (row max, log-sum-exp), so "
                            + "no fp32 chunk outlives its kernel and the chunk's gradient is written in the compute "
                            + "dtype");
                }
            }
            if (cfg.options().contains(RunOption.OPTIMIZER_IN_BACKWARD)) {
                n.add("optimizer_in_backward: each gradient is applied and freed as soon as it appears, so no full "
                        + "gradient set exists");
            }
            if (cfg.options().contains(RunOption.ACTIVATION_OFFLOADING)) {
                n.add("activation_offloading: a block's saved tensors (its checkpointed input under full "
                        + "checkpointing) move to host memory once the next block has run and come back just before "
                        + "its backward (at most two blocks' worth on the GPU); pinned host buffers are not counted");
            }
            if (cfg.options().contains(RunOption.COMPILE)) {
                n.add("compile: RMSNorm keeps only its input and rstd, a gated MLP only its gate and up outputs "
                        + "(the rest is recomputed in backward by the min-cut partitioner), and the fp32 upcast of "
                        + "the logits is fused into the loss kernel; LayerNorm, attention and plain MLPs are "
                        + "unchanged");
            }
        } else {
            n.add(cfg.options().contains(RunOption.PREFILL_ALL_LOGITS)
                    ? "inference: prefill_all_logits: the prompt runs as a plain forward under no_grad and computes "
                    + "logits for every prompt token (model(input_ids), or generate() before transformers 4.45)"
                    : "inference: the prompt runs as generate() does since transformers 4.45 (logits_to_keep=1): "
                    + "logits for the last prompt token only, plus their fp32 copy for sampling; option "
                    + "prefill_all_logits for a plain forward over every prompt token");
            n.add("decode: HF DynamicCache grows by torch.cat, so a block's old and new K/V coexist while it "
                    + "appends");
        }
        RunConfig.Parallel p = cfg.parallel();
        if (p.data() > 1 || p.tensor() > 1 || p.pipeline() > 1) {
            n.add("per rank: the most loaded rank of " + (p.pipeline() > 1 ? "pipeline stage " + stage.index()
                    : "the first pipeline stage") + "; ZeRO shares are ⌈n/N⌉ per tensor; "
                    + "ZeRO-2/3 gradients are reduce-scattered tensor by tensor (no bucket buffers)");
        }
        if (p.pipeline() > 1) {
            n.add(pipelineNote(arch, cfg, stage));
        }
        if (p.sequence() == RunConfig.SequenceParallel.ON) {
            n.add("sequence parallelism (Korthikanti et al. 2022 §4.2.2): norms, residual adds, dropouts and the "
                    + "block boundary hold b·(s/t)·h per rank; each column-parallel linear reads an all-gathered "
                    + "b·s·h copy (a transient; the shard is kept for backward, Megatron layers.py @000c4ac), each "
                    + "row-parallel output is reduce-scattered");
        }
        if (p.context() > 1) {
            n.add("context parallelism over " + p.context() + " ranks (ring attention, torch "
                    + "distributed/tensor/experimental/_attention.py @f2127db): every activation holds s/cp tokens; "
                    + "attention adds the k/v chunk sent and the one received, fp32 output and logsumexp "
                    + "accumulators, and in backward fp32 dq/dk/dv accumulators and the rotated k/v and dk/dv; "
                    + "weights, gradients and states are replicated over cp, ZeRO/FSDP shards over data x context "
                    + "ranks (1/" + (p.data() * p.context()) + ")");
        }
        if (p.expert() > 1 || p.capacityFactor().isPresent()) {
            n.add("MoE layout (Megatron token_dispatcher.py @bed33f8, MoEAlltoAllTokenDispatcher): "
                    + (p.expert() > 1 ? "expert parallelism over " + p.expert() + " ranks: E/" + p.expert()
                    + " routed experts per rank (ZeRO over the " + p.data() * p.context() / p.expert()
                    + " ranks holding each), the routed rows sent and received by all-to-all in and out; " : "")
                    + (p.capacityFactor().isPresent() ? "every expert padded to its capacity ⌈"
                    + p.capacityFactor().getAsDouble() + "·b·s·k/E⌉ rows" : "dropless routing (b·s·k rows)"));
        }
        if (p.data() > 1 && p.zero() == 0 && p.tensor() == 1 && p.pipeline() == 1 && p.context() == 1
                && p.expert() == 1 && cfg.task() == Task.TRAIN) {
            n.add(cfg.options().contains(RunOption.DDP_BUCKET_VIEW)
                    ? "data parallel without ZeRO is torch DistributedDataParallel; ddp_bucket_view "
                    + "(gradient_as_bucket_view=True): the Reducer's flat buckets, allocated when the model is "
                    + "wrapped, hold the gradients, and each gradient autograd hands on is copied into them and "
                    + "dropped"
                    : "data parallel without ZeRO is torch DistributedDataParallel: its Reducer allocates flat "
                    + "gradient buckets for every trainable parameter when the model is wrapped, one more copy of "
                    + "the gradients for the whole run (gradient_as_bucket_view=False, the default; option "
                    + "ddp_bucket_view removes it); rebuilt into <= 25 MiB buckets of the same total after the "
                    + "first iteration, counted as one; NCCL buffers and the wrap-time parameter broadcast are not "
                    + "included");
        }
        if (p.zero() == 3 && p.data() > 1) {
            n.add("zero 3 / FSDP: a block's parameters are all-gathered (in the compute dtype under amp) while it "
                    + "runs, with the next block prefetched");
        }
        if (cfg.framework().useOrigParams()) {
            n.add("use_orig_params (FSDP1): each wrapped block is one FlatParameter mixing frozen weights and "
                    + "adapters, so its frozen weights get a gradient too: the whole block unsharded during its "
                    + "backward, then 1/" + p.data() + " of it per rank until zero_grad (the optimizer holds only "
                    + "the adapters)");
        }
        if (p.tensor() > 1) {
            n.add("tensor parallel without sequence parallelism: block inputs and norm outputs are full size on "
                    + "every rank; LoRA adapters are not split");
        }
        if (arch.stack() == StackKind.ENCODER_DECODER) {
            n.add("encoder-decoder: every block is counted as a self-attention block over seq; cross-attention is "
                    + "not modelled");
        }
        if (arch.moe().enabled()) {
            n.add("MoE: the routed tokens (b·s·k rows) are counted as one tensor per kind rather than one per "
                    + "expert");
        }
        return n;
    }

    /** @return what the model's own norms (and softcapping, and latent attention) keep, or null for Llama-style blocks */
    private static String normsNote(Architecture arch) {
        Traits t = arch.traits();
        String type = arch.modelType();
        String qk = "q_norm/k_norm before RoPE keep an fp32 copy of q and k, the rstd and the normalised input";
        boolean gemma = t.normWeight() == NormWeight.ONE_PLUS_W_FP32;
        boolean sandwich = t.normPlacement() == NormPlacement.SANDWICH;
        if (t.attention() == AttentionKind.MULTI_HEAD_LATENT) {
            return type + ": multi-head latent attention as transformers' DeepseekV3Attention runs it: the q/kv "
                    + "latents and their RMSNorms, the concatenated query and key, the kv_b_proj output (the values "
                    + "are a view of it) and the output at v_head_dim; the KV cache holds keys at qk_nope + qk_rope "
                    + "and values at v_head_dim";
        }
        if (t.qkNorm() == QkNorm.RMS_FULL_WIDTH) {
            return type + ": " + qk + " (over the full q/k widths)" + (t.normPlacement() == NormPlacement.POST
                    ? "; the post-norm-only blocks are counted as pre-norm blocks with the same two norms" : "");
        }
        if (sandwich && t.qkNorm() != QkNorm.NONE) {
            return type + ": four RMSNorms a block (sandwich) and " + qk + (gemma ? ", normalised inputs in fp32" : "")
                    + softcapNote(t);
        }
        if (sandwich) {
            return type + ": four RMSNorms a block (sandwich)" + (gemma ? ", each keeping its normalised input in fp32"
                    : "") + softcapNote(t);
        }
        if (t.qkNorm() == QkNorm.RMS_PER_HEAD) {
            return type + ": " + qk + softcapNote(t);
        }
        if (gemma) {
            return type + ": RMSNorm keeps its normalised input in fp32 (x * (1 + w.float()))" + softcapNote(t);
        }
        return null;
    }

    private static String softcapNote(Traits t) {
        Softcapping cap = t.softcapping();
        if (cap.onLogits() && cap.onAttention()) {
            return "; tanh softcapping of the logits (and of eager attention scores) keeps its output";
        }
        return cap.onLogits() ? "; tanh softcapping of the logits keeps its output"
                : cap.onAttention() ? "; tanh softcapping of eager attention scores keeps its output" : "";
    }

    private static String optimizerNote(Optimizer o, RunConfig.OptimizerImpl impl) {
        return switch (o) {
            case ADAM, ADAMW -> o.wire() + ": two states per trainable parameter in its dtype, created at the first "
                    + "step; "
                    + switch (impl) {
                        case HF_ADAMW -> "transformers' AdamW loops over the parameters, keeping one temporary "
                                + "(denom = sqrt(exp_avg_sq) + eps) of one parameter at a time";
                        case FOR_LOOP -> "the foreach=False loop keeps two temporaries (sqrt(exp_avg_sq) and its "
                                + "quotient by the bias correction) of one parameter at a time";
                        default -> "the foreach step keeps a full-size temporary of sqrt(exp_avg_sq) (torch "
                                + "_multi_tensor_adam)";
                    };
            case SGD -> "sgd: no optimizer state and no temporaries";
            case SGD_MOMENTUM -> "sgd-momentum: one momentum buffer per trainable parameter";
            case ADAMW_8BIT -> "adamw-8bit: two uint8 states plus fp32 absmax per 256 elements (bitsandbytes "
                    + "blockwise); tensors under 4,096 elements keep fp32 states";
            case ADAFACTOR -> "adafactor: factored fp32 row and column statistics (full for 1-D tensors), no first "
                    + "moment; the per-parameter step keeps up to three fp32 copies of one parameter";
            case LION -> "lion: one state per trainable parameter; the step keeps two copies of one parameter";
            case NONE -> "optimizer none: gradients are computed and freed by zero_grad, no states";
        };
    }
}
