package dev.gpumem.cli;

import dev.gpumem.estimate.RunConfig;
import dev.gpumem.input.BadInputException;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.RequestJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * One flag per field of the request contract (validation/REQUEST-SCHEMA.md), shared by
 * {@code estimate} and {@code fit}. The flags only build the request as plain values; {@link RequestJson} then
 * validates it exactly as it validates a JSON line, so a flag and a field fail with the same sentence.
 */
public final class RequestOptions {
    @Option(names = {"-m", "--model"}, paramLabel = "MODEL",
            description = "preset name (gpumem models; case ignored), path to an HF config.json, a model folder, or a "
                    + "Hugging Face id ORG/NAME[@rev] from the local HF cache or a preset's alias (docs/models.md)")
    String model;

    @Option(names = "--override", paramLabel = "KEY=VALUE",
            description = "override an HF config key (repeatable); VALUE is read as JSON when it parses, e.g. "
                    + "--override num_hidden_layers=2 --override 'quantization_config={\"quant_method\":\"bitsandbytes\",\"load_in_4bit\":true}'")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--id", description = "request id, echoed in the result")
    String id;

    @Option(names = "--task", description = "train | inference (default train)")
    String task;

    @Option(names = "--precision", description = "fp32 | fp16 | bf16 | amp-fp16 | amp-bf16 (default amp-bf16)")
    String precision;

    @Option(names = "--master-weights", description = "half parameters plus an fp32 master copy")
    boolean masterWeights;

    @Option(names = "--optimizer",
            description = "adamw | adam | sgd | sgd-momentum | adamw-8bit | adafactor | lion | none (default adamw; none for inference)")
    String optimizer;

    @Option(names = {"-b", "--batch"}, description = "micro-batch per device (default 1)")
    Long batch;

    @Option(names = {"-s", "--seq"}, description = "sequence length; prompt length for inference (default 2048)")
    Long seq;

    @Option(names = "--grad-accum", description = "gradient-accumulation steps (default 1)")
    Long gradAccum;

    @Option(names = "--checkpointing", description = "none | full | selective | selective_op (default: the framework's; hf none)")
    String checkpointing;

    @Option(names = "--attention", description = "eager | sdpa (default sdpa)")
    String attention;

    @Option(names = "--finetune", description = "full | lora | qlora (default full)")
    String finetune;

    @Option(names = "--lora-rank", description = "LoRA rank (default 8)")
    Long loraRank;

    @Option(names = "--lora-alpha", description = "LoRA alpha (default 2 x rank)")
    Long loraAlpha;

    @Option(names = "--lora-targets", split = ",", paramLabel = "MODULE",
            description = "modules the adapters attach to, comma-separated (default q_proj,v_proj)")
    List<String> loraTargets;

    @Option(names = "--qlora-quant", description = "nf4 | int4 | int8 (default nf4)")
    String qloraQuant;

    @Option(names = "--adapter-dtype",
            description = "fp32 | bf16 | fp16: LoRA adapter dtype (default fp32 as PEFT; torchtune/lit-gpt = bf16)")
    String adapterDtype;

    @Option(names = "--lora-dropout", description = "LoRA dropout on the adapters' input (default: the framework's; "
            + "hf 0.0, lit-gpt 0.05)")
    Double loraDropout;

    @Option(names = "--framework", description = "hf | torchtitan | torchtune | lit-gpt | deepspeed | megatron | fsdp1:"
            + " the defaults of the semantics below (default hf; gpumem frameworks prints them)")
    String framework;

    @Option(names = "--precision-policy", description = "autocast | fsdp2_mixed | none (default: the framework's)")
    String precisionPolicy;

    @Option(names = "--loss", description = "fp32_upcast | chunked | loss_parallel (default: the framework's)")
    String loss;

    @Option(names = "--optimizer-impl",
            description = "foreach | fused | deepspeed_fused | megatron_distributed (default: the framework's)")
    String optimizerImpl;

    @Option(names = "--model-code", description = "hf | litgpt: whose module code runs the model (default: the "
            + "framework's)")
    String modelCode;

    @Option(names = "--reduce-bucket-size", paramLabel = "ELEMENTS", description = "DeepSpeed ZeRO-1/2 "
            + "reduce_bucket_size in elements (default: the framework's; deepspeed 5e8, others 0 = no bucket)")
    Long reduceBucketSize;

    @Option(names = "--allgather-bucket-size", paramLabel = "ELEMENTS", description = "DeepSpeed "
            + "allgather_bucket_size in elements (framework deepspeed; default 5e8; allocates nothing)")
    Long allgatherBucketSize;

    @Option(names = "--contiguous-gradients", paramLabel = "true|false", description = "DeepSpeed "
            + "contiguous_gradients (framework deepspeed; default true): false drops the reduce bucket")
    Boolean contiguousGradients;

    @Option(names = "--prefetch-bucket-size", paramLabel = "ELEMENTS", description = "DeepSpeed "
            + "stage3_prefetch_bucket_size in elements (framework deepspeed, zero 3; default 5e7; 0 = no prefetch)")
    Long prefetchBucketSize;

    @Option(names = "--max-live-parameters", paramLabel = "ELEMENTS", description = "DeepSpeed "
            + "stage3_max_live_parameters in elements (framework deepspeed, zero 3; default 1e9)")
    Long maxLiveParameters;

    @Option(names = "--offload", description = "none | optimizer | optimizer_and_params: what lives in host memory "
            + "(optimizer: DeepSpeed offload_optimizer, zero 1-3; optimizer_and_params: DeepSpeed ZeRO-3 offload_param "
            + "or FSDP CPUOffload, zero 3; default none)")
    String offload;

    @Option(names = "--dp", description = "data-parallel ranks (default 1)")
    Long dataParallel;

    @Option(names = "--zero", description = "ZeRO stage 0..3; FSDP full shard = 3 (default: the framework's; hf 0, FSDP frameworks 3 with --dp > 1)")
    Long zero;

    @Option(names = "--tp", description = "tensor-parallel degree (default 1)")
    Long tensorParallel;

    @Option(names = "--pp", description = "pipeline-parallel stages (default 1)")
    Long pipelineParallel;

    @Option(names = "--pp-schedule", description = "gpipe | 1f1b | interleaved_1f1b: the pipeline schedule "
            + "(default 1f1b)")
    String pipelineSchedule;

    @Option(names = "--virtual-stages", description = "model chunks per pipeline stage with interleaved_1f1b "
            + "(default 2)")
    Long virtualStages;

    @Option(names = "--stage", description = "worst | first | last | a stage index: the pipeline stage counted "
            + "(default worst: every stage estimated, the highest peak kept)")
    String stage;
    @Option(names = "--sequence-parallel", description = "sequence parallelism over the --tp ranks (Megatron "
            + "--sequence-parallel): norms, dropouts and residuals hold s/t tokens; needs --tp > 1")
    boolean sequenceParallel;

    @Option(names = "--cp", description = "context-parallel degree, ring attention (torchtitan "
            + "context_parallel_degree, Megatron --context-parallel-size; default 1): activations hold s/cp tokens; "
            + "seq must divide by 2 x cp")
    Long contextParallel;

    @Option(names = "--ep", description = "expert-parallel degree for MoE models (Megatron "
            + "--expert-model-parallel-size; default 1): E/ep routed experts per rank; divides --dp and the experts")
    Long expertParallel;

    @Option(names = "--capacity-factor", paramLabel = "F", description = "MoE expert capacity factor (Megatron "
            + "--moe-expert-capacity-factor, padded to capacity; default: dropless)")
    Double capacityFactor;

    @Option(names = "--option", paramLabel = "NAME",
            description = "chunked_loss | optimizer_in_backward | activation_offloading | compile | fused_optimizer | zero_grad_in_place (repeatable)")
    List<String> options = new ArrayList<>();

    @Option(names = "--infer-batch", description = "inference: sequences decoded together (default --batch)")
    Long inferBatch;

    @Option(names = "--context-tokens", description = "inference: tokens the KV cache holds per sequence (default --seq)")
    Long contextTokens;

    @Option(names = "--kv-dtype", description = "inference: KV-cache dtype fp32 | fp16 | bf16 | fp8 | int8 | int4")
    String kvDtype;

    @Option(names = "--gpu", paramLabel = "PRESET",
            description = "a GPU preset (gpumem gpus; case ignored), or the name of a custom card with --gpu-total-bytes "
                    + "(and --gpu-arch, else read from the name)")
    String gpu;

    @Option(names = "--gpu-total-bytes", paramLabel = "N", description = "custom card: NVML total memory, bytes")
    Long gpuTotalBytes;

    @Option(names = "--gpu-arch", description = "custom card: volta | turing | ampere | ada | hopper | blackwell "
            + "(default: read from the --gpu name, else hopper; the notes say which)")
    String gpuArch;

    @Option(names = "--gpu-context-bytes", paramLabel = "N",
            description = "the CUDA context you measured on your machine (nvidia-smi used after the first CUDA op, less"
                    + " torch.cuda.memory_reserved()), bytes: replaces the shipped context default")
    Long gpuContextBytes;

    @Option(names = "--compat", description = "also report another tool's numbers: accelerate")
    String compat;

    @Option(names = "--accelerate", description = "same as --compat accelerate")
    boolean accelerate;

    /**
     * @return the request of these flags, which must name a model and a GPU (fit, suggest)
     * @throws UserError (bad input) naming the missing flag
     */
    RunConfig requireModelAndGpu() {
        if (model == null) {
            throw UserError.badInput("--model: required (a preset name, a config.json path, a model folder or a "
                    + "Hugging Face id ORG/NAME)");
        }
        if (gpu == null && gpuTotalBytes == null) {
            throw UserError.badInput("--gpu: required (a preset from gpumem gpus, or --gpu NAME --gpu-total-bytes N "
                    + "[--gpu-arch ARCH])");
        }
        RequestJson requests = new RequestJson(GpuPresetsJson.load());
        return requests.fromMap(toRequest(requests));
    }

    /** @return true when no request flag was given */
    boolean isEmpty() {
        return toRequest(null).isEmpty();
    }

    /**
     * @param json parses --override values as JSON (null only to test for emptiness)
     * @return the request as plain values, only the fields given on the command line
     */
    Map<String, Object> toRequest(RequestJson json) {
        Map<String, Object> r = new LinkedHashMap<>();
        put(r, "id", id);
        put(r, "model", model);
        if (!overrides.isEmpty()) {
            Map<String, Object> o = new LinkedHashMap<>();
            for (String kv : overrides) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new BadInputException("--override: expected KEY=VALUE, got '" + kv + "'");
                }
                o.put(kv.substring(0, eq), json == null ? kv : json.parseValue(kv.substring(eq + 1)));
            }
            r.put("model_overrides", o);
        }
        put(r, "task", task);
        put(r, "precision", precision);
        if (masterWeights) {
            r.put("master_weights", true);
        }
        put(r, "optimizer", optimizer);
        put(r, "batch", batch);
        put(r, "seq", seq);
        put(r, "grad_accum", gradAccum);
        put(r, "checkpointing", checkpointing);
        put(r, "attention", attention);
        Map<String, Object> f = new LinkedHashMap<>();
        put(f, "method", finetune);
        put(f, "rank", loraRank);
        put(f, "alpha", loraAlpha);
        put(f, "targets", loraTargets);
        put(f, "quant", qloraQuant);
        put(f, "adapter_dtype", adapterDtype);
        put(f, "lora_dropout", loraDropout);
        put(r, "finetune", f.isEmpty() ? null : f);
        Map<String, Object> p = new LinkedHashMap<>();
        put(p, "data", dataParallel);
        put(p, "zero", zero);
        put(p, "tensor", tensorParallel);
        put(p, "pipeline", pipelineParallel);
        put(p, "schedule", pipelineSchedule);
        put(p, "virtual_stages", virtualStages);
        if (stage != null) {
            p.put("stage", stage.matches("[0-9]{1,9}") ? (Object) Long.valueOf(stage) : stage);
        }
        if (sequenceParallel) {
            p.put("sequence_parallel", true);
        }
        put(p, "context", contextParallel);
        put(p, "expert", expertParallel);
        put(p, "capacity_factor", capacityFactor);
        put(r, "parallel", p.isEmpty() ? null : p);
        put(r, "options", options.isEmpty() ? null : options);
        put(r, "framework", framework);
        put(r, "precision_policy", precisionPolicy);
        put(r, "loss", loss);
        put(r, "optimizer_impl", optimizerImpl);
        put(r, "model_code", modelCode);
        put(r, "reduce_bucket_size", reduceBucketSize);
        put(r, "allgather_bucket_size", allgatherBucketSize);
        put(r, "contiguous_gradients", contiguousGradients);
        put(r, "stage3_prefetch_bucket_size", prefetchBucketSize);
        put(r, "stage3_max_live_parameters", maxLiveParameters);
        put(r, "offload", offload);
        Map<String, Object> inf = new LinkedHashMap<>();
        put(inf, "batch", inferBatch);
        put(inf, "context_tokens", contextTokens);
        put(inf, "kv_cache_dtype", kvDtype);
        put(r, "inference", inf.isEmpty() ? null : inf);
        if (gpuTotalBytes != null || gpuArch != null || gpuContextBytes != null) {
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("name", gpu == null ? "custom" : gpu);
            put(g, "total_bytes", gpuTotalBytes);
            put(g, "arch", gpuArch);
            put(g, "context_bytes", gpuContextBytes);
            r.put("gpu", g);
        } else {
            put(r, "gpu", gpu);
        }
        if (accelerate) {
            if (compat != null && !compat.equals("accelerate")) {
                throw new BadInputException("--accelerate: conflicts with --compat " + compat);
            }
            r.put("compat", "accelerate");
        } else {
            put(r, "compat", compat);
        }
        return r;
    }

    /**
     * Lays the flags' request over a request file's, field by field: a nested object (finetune, parallel,
     * inference, model_overrides, gpu) keeps the file's fields the flags do not name; anything else (a scalar, a
     * list such as options) is replaced. A finetune given in the file as a method name stands for
     * {@code {"method": name}}, so {@code --lora-alpha} adds to it.
     *
     * @return a new map; neither argument is changed
     */
    static Map<String, Object> merge(Map<String, Object> file, Map<String, Object> flags) {
        Map<String, Object> out = new LinkedHashMap<>(file);
        for (Map.Entry<String, Object> e : flags.entrySet()) {
            Object base = out.get(e.getKey());
            if (e.getKey().equals("finetune") && base instanceof String method && e.getValue() instanceof Map) {
                base = Map.of("method", method);
            }
            if (base instanceof Map<?, ?> b && e.getValue() instanceof Map<?, ?> f) {
                out.put(e.getKey(), merge(stringKeys(b), stringKeys(f)));
            } else {
                out.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    private static Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static void put(Map<String, Object> m, String key, Object value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
