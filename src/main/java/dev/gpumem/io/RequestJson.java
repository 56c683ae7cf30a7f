package dev.gpumem.io;

import static dev.gpumem.io.JsonFields.accepted;
import static dev.gpumem.io.JsonFields.bool;
import static dev.gpumem.io.JsonFields.checkFields;
import static dev.gpumem.io.JsonFields.dtype;
import static dev.gpumem.io.JsonFields.kind;
import static dev.gpumem.io.JsonFields.positiveInt;
import static dev.gpumem.io.JsonFields.positiveLong;
import static dev.gpumem.io.JsonFields.shortName;
import static dev.gpumem.io.JsonFields.text;
import static dev.gpumem.io.JsonFields.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpumem.estimate.Framework;
import dev.gpumem.estimate.FrameworkSettings;
import dev.gpumem.estimate.Offload;
import dev.gpumem.estimate.GpuPresets;
import dev.gpumem.estimate.GpuSpec;
import dev.gpumem.estimate.GpuSpec.GpuArch;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Compat;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.FinetuneMethod;
import dev.gpumem.estimate.RunConfig.Inference;
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
import dev.gpumem.estimate.WireEnum;
import dev.gpumem.estimate.parallel.PipelineLayout;
import dev.gpumem.estimate.parallel.PipelineSchedule;
import dev.gpumem.estimate.parallel.StageChoice;
import dev.gpumem.input.BadInputException;
import dev.gpumem.units.DType;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/**
 * The request contract of validation/REQUEST-SCHEMA.md: JSON request object → {@link RunConfig} and
 * back. Every error is an {@link BadInputException} with one sentence that names the field (dotted for
 * nested fields) and, for closed vocabularies, the accepted values.
 *
 * <p>Defaults for fields a request leaves out: {@code id} "", {@code task} train, {@code precision} amp-bf16,
 * {@code master_weights} false, {@code optimizer} adamw (train) or none (inference), {@code batch} 1,
 * {@code seq} 2048, {@code grad_accum} 1, {@code checkpointing} none, {@code attention} sdpa, {@code finetune}
 * full (lora/qlora: rank 8, alpha 2·rank, targets q_proj and v_proj, qlora quant nf4), {@code parallel}
 * data 1 / zero the framework's sharding (hf 0; torchtitan, torchtune, lit-gpt, fsdp1 3 when data > 1) / tensor 1 /
 * pipeline 1 / schedule 1f1b / virtual_stages 2 with interleaved_1f1b, else 1 / stage worst, {@code options} none, {@code inference} batch = {@code batch},
 * context_tokens = {@code seq}, kv_cache_dtype = the precision's compute dtype, {@code gpu} none,
 * {@code compat} none. Only {@code model} is required.
 */
public final class RequestJson {
    /** top-level request fields, in contract order */
    public static final List<String> FIELDS = List.of("id", "model", "model_overrides", "task", "precision",
            "master_weights", "optimizer", "batch", "seq", "grad_accum", "checkpointing", "attention", "finetune",
            "parallel", "options", "inference", "gpu", "compat", "framework", "precision_policy", "loss",
            "optimizer_impl", "model_code", "reduce_bucket_size", "use_orig_params", "allgather_bucket_size",
            "contiguous_gradients", "stage3_prefetch_bucket_size", "stage3_max_live_parameters", "offload");
    private static final List<String> FINETUNE_FIELDS = List.of("method", "rank", "alpha", "targets", "quant",
            "adapter_dtype", "lora_dropout");
    private static final List<DType> ADAPTER_DTYPES = List.of(DType.FP32, DType.BF16, DType.FP16);
    private static final List<String> PARALLEL_FIELDS = List.of("data", "zero", "tensor", "pipeline", "schedule",
            "virtual_stages", "stage", "sequence_parallel", "context", "expert", "capacity_factor");
    private static final List<String> INFERENCE_FIELDS = List.of("batch", "context_tokens", "kv_cache_dtype");
    private static final List<String> GPU_FIELDS = List.of("name", "total_bytes", "arch", "cuda", "context_bytes");
    private static final List<DType> KV_DTYPES = List.of(DType.FP32, DType.FP16, DType.BF16, DType.FP8, DType.INT8,
            DType.INT4);
    private static final List<DType> QUANT_DTYPES = List.of(DType.NF4, DType.INT4, DType.INT8);

    /** defaults of REQUEST-SCHEMA.md's optional fields (see the class comment) */
    public static final int DEFAULT_BATCH = 1;
    public static final int DEFAULT_SEQ = 2048;
    public static final int DEFAULT_LORA_RANK = 8;
    public static final List<String> DEFAULT_LORA_TARGETS = List.of("q_proj", "v_proj");

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final GpuPresets gpus;

    /** @param gpus the presets a {@code gpu} name is resolved against */
    public RequestJson(GpuPresets gpus) {
        this.gpus = gpus;
    }

    /**
     * Parses one line of a requests .jsonl file.
     *
     * @throws BadRequest one sentence, carrying the request's id when the line had a readable one
     */
    public RunConfig parse(String json) {
        JsonNode node = readObject(json);
        try {
            return fromTree(node);
        } catch (BadInputException e) {
            throw new BadRequest(idOf(node), e.getMessage());
        }
    }

    /** A request that cannot be mapped; {@link #id()} is its id, or null when it had none readable. */
    public static final class BadRequest extends BadInputException {
        private static final long serialVersionUID = 1L;
        private final String id;

        public BadRequest(String id, String message) {
            super(message);
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /**
     * Reads a JSON text that must be one object.
     *
     * @throws BadInputException "request: malformed JSON ..." or "request: expected a JSON object ..."
     */
    JsonNode readObject(String json) {
        JsonNode node;
        try {
            node = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            // a limit of the reader (a string over 20 MB, nesting too deep) comes without a location
            throw new BadInputException(e.getLocation() == null
                    ? "request: cannot read the JSON: " + e.getOriginalMessage()
                    : "request: malformed JSON at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new BadInputException("request: expected a JSON object, got "
                    + (node == null ? "nothing" : kind(node)));
        }
        return node;
    }

    /** @return the request's {@code id} if it has a readable one, else null (for error objects) */
    String idOf(JsonNode request) {
        JsonNode id = request.get("id");
        return id != null && (id.isTextual() || id.isNumber()) ? id.asText() : null;
    }

    /** Maps a request given as plain Java values (String, Number, Boolean, List, Map), as the CLI flags build it. */
    public RunConfig fromMap(Map<String, Object> request) {
        return fromTree(mapper.valueToTree(request));
    }

    /**
     * Parses a value written on the command line as JSON (numbers, booleans, arrays, objects, quoted strings);
     * anything that is not JSON is taken as a plain string.
     */
    public Object parseValue(String text) {
        try {
            JsonNode n = mapper.readTree(text);
            if (n == null || n.isMissingNode()) {
                return text;
            }
            return plain(n);
        } catch (JsonProcessingException e) {
            return text;
        }
    }

    /** Maps a parsed request object. */
    RunConfig fromTree(JsonNode r) {
        if (!r.isObject()) {
            throw new BadInputException("request: expected a JSON object, got " + kind(r));
        }
        checkFields("request", r, FIELDS);
        String id = idOf(r) == null ? "" : idOf(r);
        if (r.has("id") && idOf(r) == null) {
            throw new BadInputException("id: must be a string or a number, got " + kind(r.get("id")));
        }
        String model = text(r, "model", null);
        if (model == null) {
            throw new BadInputException("model: required (a preset name, a path to a config.json, a model folder, or a Hugging Face id ORG/NAME)");
        }
        if (model.isBlank()) {
            throw new BadInputException("model: must not be empty (a preset name, a path to a config.json, a model folder, or a Hugging Face id ORG/NAME)");
        }
        Map<String, Object> overrides = overrides(r.get("model_overrides"));
        Task task = wire(r, "task", Task.class, Task.TRAIN);
        Precision precision = wire(r, "precision", Precision.class, Precision.AMP_BF16);
        boolean masterWeights = bool(r, "master_weights", false);
        Optimizer optimizer = wire(r, "optimizer", Optimizer.class,
                task == Task.TRAIN ? Optimizer.ADAMW : Optimizer.NONE);
        int batch = positiveInt(r, "batch", "batch", DEFAULT_BATCH);
        int seq = positiveInt(r, "seq", "seq", DEFAULT_SEQ);
        int gradAccum = positiveInt(r, "grad_accum", "grad_accum", 1);
        Checkpointing checkpointing = wire(r, "checkpointing", Checkpointing.class, null);
        AttentionKernel attention = wire(r, "attention", AttentionKernel.class, AttentionKernel.SDPA);
        Finetune finetune = finetune(r.get("finetune"));
        Parallel parallel = parallel(r.get("parallel"));
        Set<RunOption> options = options(r.get("options"));
        Inference inference = inference(r.get("inference"), batch, seq, precision);
        GpuSpec gpu = gpu(r.get("gpu"));
        Compat compat = wire(r, "compat", Compat.class, Compat.NONE);
        Framework framework = wire(r, "framework", Framework.class, Framework.HF);
        FrameworkSettings.Stated stated = new FrameworkSettings.Stated(
                wire(r, "precision_policy", PrecisionPolicy.class, null), checkpointing,
                wire(r, "loss", LossImpl.class, null), wire(r, "optimizer_impl", OptimizerImpl.class, null),
                finetune.adapterDtype(), loraDropout(r.get("finetune")), wire(r, "model_code", ModelCode.class, null),
                r.has("reduce_bucket_size") ? elements("reduce_bucket_size", r.get("reduce_bucket_size")) : null,
                statesZero(r.get("parallel")) ? parallel.zero() : null,
                r.has("use_orig_params") ? bool(r, "use_orig_params", false) : null,
                r.has("allgather_bucket_size") ? elements("allgather_bucket_size", r.get("allgather_bucket_size"))
                        : null,
                r.has("contiguous_gradients") ? bool(r, "contiguous_gradients", true) : null,
                r.has("stage3_prefetch_bucket_size") ? elements("stage3_prefetch_bucket_size",
                        r.get("stage3_prefetch_bucket_size")) : null,
                r.has("stage3_max_live_parameters") ? elements("stage3_max_live_parameters",
                        r.get("stage3_max_live_parameters")) : null,
                wire(r, "offload", Offload.class, null),
                statesSequenceParallel(r.get("parallel")) ? parallel.sequence() : null);
        parallel = frameworkSchedule(parallel, r.get("parallel"), framework);
        FrameworkSettings.Resolved fw = FrameworkSettings.resolve(framework, stated, task, precision, optimizer,
                finetune.method(), parallel, options);
        Finetune ft = finetune.adapterDtype() == fw.adapterDtype() ? finetune : new Finetune(finetune.method(),
                finetune.rank(), finetune.alpha(), finetune.targets(), finetune.quant(), fw.adapterDtype());
        return new RunConfig(id, model, overrides, task, fw.precision(), masterWeights, optimizer, batch, seq, gradAccum,
                fw.checkpointing(), attention, ft, fw.parallel(), fw.options(), inference, gpu, compat, fw.settings());
    }

    /** @return a DeepSpeed element count such as 5e8 (an integral number >= 0) */
    private static long elements(String field, JsonNode n) {
        if (!n.isIntegralNumber() && !(n.isNumber() && n.asDouble() == Math.rint(n.asDouble()))
                || n.asDouble() < 0 || n.asDouble() > Long.MAX_VALUE) {
            throw new BadInputException(field + ": expected a number of elements >= 0 such as 5e8, "
                    + "got " + n);
        }
        return (long) n.asDouble();
    }

    /** @return finetune.lora_dropout, or null when not stated */
    private static Double loraDropout(JsonNode f) {
        if (f == null || !f.isObject() || !f.has("lora_dropout")) {
            return null;
        }
        JsonNode d = f.get("lora_dropout");
        if (!d.isNumber() || !(d.asDouble() >= 0 && d.asDouble() < 1)) {
            throw new BadInputException("finetune.lora_dropout: expected a probability in [0, 1), got "
                    + d.toString());
        }
        return d.asDouble();
    }

    /** @return the request as a JSON object with every field written out (defaults included) */
    public ObjectNode toTree(RunConfig c) {
        ObjectNode o = mapper.createObjectNode();
        o.put("id", c.id());
        o.put("model", c.model());
        if (!c.modelOverrides().isEmpty()) {
            o.set("model_overrides", mapper.valueToTree(new TreeMap<>(c.modelOverrides())));
        }
        o.put("task", c.task().wire());
        o.put("precision", c.precision().wire());
        o.put("master_weights", c.masterWeights());
        o.put("optimizer", c.optimizer().wire());
        o.put("batch", c.batch());
        o.put("seq", c.seq());
        o.put("grad_accum", c.gradAccum());
        o.put("checkpointing", c.checkpointing().wire());
        o.put("attention", c.attention().wire());
        ObjectNode f = o.putObject("finetune");
        f.put("method", c.finetune().method().wire());
        if (c.finetune().method() != FinetuneMethod.FULL) {
            f.put("rank", c.finetune().rank());
            f.put("alpha", c.finetune().alpha());
            ArrayNode t = f.putArray("targets");
            c.finetune().targets().forEach(t::add);
            if (c.finetune().quant() != null) {
                f.put("quant", shortName(c.finetune().quant()));
            }
            if (c.finetune().adapterDtype() != null) {
                f.put("adapter_dtype", shortName(c.finetune().adapterDtype()));
            }
        }
        if (!c.framework().isHfDefault()) {
            FrameworkSettings fs = c.framework();
            o.put("framework", fs.framework().wire());
            o.put("precision_policy", fs.precisionPolicy().wire());
            o.put("loss", fs.loss().wire());
            o.put("optimizer_impl", fs.optimizerImpl().wire());
            o.put("model_code", fs.modelCode().wire());
            o.put("reduce_bucket_size", fs.reduceBucket());
            o.put("use_orig_params", fs.useOrigParams());
            if (fs.framework() == Framework.DEEPSPEED) {
                o.put("allgather_bucket_size", fs.zeroBuffers().allgatherBucket());
                o.put("contiguous_gradients", fs.zeroBuffers().contiguousGradients());
                o.put("stage3_prefetch_bucket_size", fs.zeroBuffers().prefetchBucket());
                o.put("stage3_max_live_parameters", fs.zeroBuffers().maxLiveParameters());
            }
            if (fs.offload() != Offload.NONE) {
                o.put("offload", fs.offload().wire());
            }
            if (c.finetune().method() != FinetuneMethod.FULL) {
                f.put("lora_dropout", fs.loraDropout());
            }
        }
        ObjectNode p = o.putObject("parallel");
        p.put("data", c.parallel().data());
        p.put("zero", c.parallel().zero());
        p.put("tensor", c.parallel().tensor());
        p.put("pipeline", c.parallel().pipeline());
        PipelineLayout layout = c.parallel().pipelineLayout();
        if (c.parallel().pipeline() > 1 || !layout.equals(PipelineLayout.DEFAULT)) {
            p.put("schedule", layout.schedule().wire());
            p.put("virtual_stages", layout.virtualStages());
            if (layout.stage().kind() == StageChoice.Kind.INDEX) {
                p.put("stage", layout.stage().index());
            } else {
                p.put("stage", layout.stage().wire());
            }
        }
        if (c.parallel().sequence() == SequenceParallel.ON) {     // echoed only when on: other requests unchanged
            p.put("sequence_parallel", true);
        }
        if (c.parallel().context() > 1) {                         // echoed only when > 1: other requests unchanged
            p.put("context", c.parallel().context());
        }
        if (c.parallel().expert() > 1) {
            p.put("expert", c.parallel().expert());
        }
        if (c.parallel().capacityFactor().isPresent()) {
            p.put("capacity_factor", c.parallel().capacityFactor().getAsDouble());
        }
        ArrayNode opts = o.putArray("options");
        EnumSet<RunOption> sorted = c.options().isEmpty() ? EnumSet.noneOf(RunOption.class) : EnumSet.copyOf(c.options());
        sorted.forEach(x -> opts.add(x.wire()));
        ObjectNode inf = o.putObject("inference");
        inf.put("batch", c.inference().batch());
        inf.put("context_tokens", c.inference().contextTokens());
        inf.put("kv_cache_dtype", shortName(c.inference().kvCacheDtype()));
        if (c.gpu() != null) {
            if (gpus.isPreset(c.gpu())) {
                o.put("gpu", c.gpu().name());
            } else {
                ObjectNode g = o.putObject("gpu");
                g.put("name", c.gpu().name());
                g.put("total_bytes", c.gpu().totalBytes());
                if (c.gpu().archOrigin() == GpuSpec.ArchOrigin.STATED) {
                    g.put("arch", c.gpu().arch().wire());
                }
                if (c.gpu().contextBytes().isPresent()) {
                    g.put("context_bytes", c.gpu().contextBytes().getAsLong());
                }
                if (c.gpu().cuda() != null) {
                    g.put("cuda", c.gpu().cuda());
                }
            }
        }
        if (c.compat() != Compat.NONE) {
            o.put("compat", c.compat().wire());
        }
        return o;
    }

    /** @return the request as one line of JSON */
    public String toJson(RunConfig c) {
        try {
            return mapper.writeValueAsString(toTree(c));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("writing a request", e);
        }
    }

    // ---- fields --------------------------------------------------------------------------------------------

    private Map<String, Object> overrides(JsonNode n) {
        if (n == null) {
            return Map.of();
        }
        if (!n.isObject()) {
            throw new BadInputException("model_overrides: expected an object of config keys, got " + kind(n));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (e.getValue().isNull()) {
                throw new BadInputException("model_overrides." + e.getKey() + ": null is not a config value");
            }
            m.put(e.getKey(), plain(e.getValue()));
        }
        return m;
    }

    private Finetune finetune(JsonNode n) {
        if (n == null) {
            return Finetune.FULL;
        }
        JsonNode f = n;
        if (n.isTextual()) {
            f = mapper.createObjectNode().put("method", n.asText());
        }
        if (!f.isObject()) {
            throw new BadInputException("finetune: expected an object {\"method\": ...} or a method name, got "
                    + kind(n));
        }
        checkFields("finetune", f, FINETUNE_FIELDS);
        if (!f.has("method")) {
            throw new BadInputException("finetune.method: required; accepted: "
                    + accepted(FinetuneMethod.class));
        }
        FinetuneMethod method = wire(f, "method", "finetune.method", FinetuneMethod.class, null);
        if (method == FinetuneMethod.FULL) {
            for (String k : List.of("rank", "alpha", "targets", "quant", "adapter_dtype", "lora_dropout")) {
                if (f.has(k)) {
                    throw new BadInputException("finetune." + k + ": applies only to lora and qlora, not full");
                }
            }
            return Finetune.FULL;
        }
        int rank = positiveInt(f, "rank", "finetune.rank", DEFAULT_LORA_RANK);
        int alpha = positiveInt(f, "alpha", "finetune.alpha", Math.multiplyExact(2, rank));
        List<String> targets = DEFAULT_LORA_TARGETS;
        if (f.has("targets")) {
            JsonNode t = f.get("targets");
            if (!t.isArray() || t.isEmpty()) {
                throw new BadInputException("finetune.targets: expected a non-empty array of module names "
                        + "such as [\"q_proj\", \"v_proj\"], got " + kind(t));
            }
            targets = new ArrayList<>();
            for (JsonNode x : t) {
                if (!x.isTextual() || x.asText().isBlank()) {
                    throw new BadInputException("finetune.targets: every target must be a module name, got "
                            + kind(x));
                }
                targets.add(x.asText());
            }
        }
        DType quant = null;
        if (method == FinetuneMethod.QLORA) {
            quant = f.has("quant") ? dtype(f.get("quant"), "finetune.quant", QUANT_DTYPES) : DType.NF4;
        } else if (f.has("quant")) {
            throw new BadInputException("finetune.quant: applies only to qlora");
        }
        DType adapter = f.has("adapter_dtype")
                ? dtype(f.get("adapter_dtype"), "finetune.adapter_dtype", ADAPTER_DTYPES) : null;
        return new Finetune(method, rank, alpha, targets, quant, adapter);
    }

    /** @return whether the request states parallel.zero (absent: the framework's sharding applies) */
    private static boolean statesZero(JsonNode parallel) {
        return parallel != null && parallel.isObject() && parallel.has("zero");
    }

    /** @return whether the request states parallel.sequence_parallel (absent: the framework's default applies) */
    private static boolean statesSequenceParallel(JsonNode parallel) {
        return parallel != null && parallel.isObject() && parallel.has("sequence_parallel");
    }

    private Parallel parallel(JsonNode n) {
        if (n == null) {
            return Parallel.SINGLE;
        }
        if (!n.isObject()) {
            throw new BadInputException("parallel: expected an object {\"data\", \"zero\", \"tensor\", "
                    + "\"pipeline\"}, got " + kind(n));
        }
        checkFields("parallel", n, PARALLEL_FIELDS);
        int data = positiveInt(n, "data", "parallel.data", 1);
        int zero = 0;
        if (n.has("zero")) {
            JsonNode z = n.get("zero");
            if (!z.canConvertToExactIntegral() || !z.isNumber() || z.asLong() < 0 || z.asLong() > 3) {
                throw new BadInputException("parallel.zero: unknown value " + z
                        + "; accepted: 0, 1, 2, 3 (FSDP full shard = 3)");
            }
            zero = z.asInt();
        }
        int tensor = positiveInt(n, "tensor", "parallel.tensor", 1);
        int pipeline = positiveInt(n, "pipeline", "parallel.pipeline", 1);
        SequenceParallel sp = SequenceParallel.OFF;
        if (n.has("sequence_parallel")) {
            JsonNode v = n.get("sequence_parallel");
            if (!v.isBoolean()) {
                throw new BadInputException("parallel.sequence_parallel: expected true or false, got " + kind(v));
            }
            sp = v.asBoolean() ? SequenceParallel.ON : SequenceParallel.OFF;
        }
        int context = positiveInt(n, "context", "parallel.context", 1);
        int expert = positiveInt(n, "expert", "parallel.expert", 1);
        OptionalDouble capacity = OptionalDouble.empty();
        if (n.has("capacity_factor") && !n.get("capacity_factor").isNull()) {
            JsonNode v = n.get("capacity_factor");
            if (!v.isNumber() || !(v.asDouble() > 0)) {
                throw new BadInputException("parallel.capacity_factor: expected a positive number (omit it or null "
                        + "for dropless routing), got " + v);
            }
            capacity = OptionalDouble.of(v.asDouble());
        }
        return new Parallel(data, zero, tensor, pipeline, pipelineLayout(n), sp, context, expert, capacity);
    }

    /**
     * parallel.schedule, virtual_stages and stage; virtual_stages defaults to 2 with interleaved_1f1b (torchtitan's
     * two stages per rank for a multi-stage schedule without pipeline_parallel_layers_per_stage,
     * torchtitan/distributed/pipeline_parallel.py pipeline_llm @02ef790c79614758f85880e173d2338d7de502a3)
     */
    private static PipelineLayout pipelineLayout(JsonNode n) {
        PipelineSchedule schedule = JsonFields.wire(n, "schedule", "parallel.schedule", PipelineSchedule.class,
                PipelineSchedule.ONE_F_ONE_B);
        int virtual = positiveInt(n, "virtual_stages", "parallel.virtual_stages",
                schedule == PipelineSchedule.INTERLEAVED_1F1B ? 2 : 1);
        StageChoice stage = StageChoice.WORST;
        JsonNode s = n.get("stage");
        if (s != null) {
            if (s.isTextual()) {
                stage = StageChoice.parse(s.asText());
            } else if (s.isNumber() && s.canConvertToExactIntegral() && s.asLong() >= 0
                    && s.asLong() <= Integer.MAX_VALUE) {
                stage = StageChoice.of(s.asInt());
            } else {
                throw new BadInputException("parallel.stage: unknown value " + s
                        + "; accepted: worst, first, last or a stage index 0..pipeline-1");
            }
        }
        return new PipelineLayout(schedule, virtual, stage);
    }

    /** @return the layout with the framework's pipeline schedule when the request does not state one */
    private static Parallel frameworkSchedule(Parallel parallel, JsonNode n, Framework framework) {
        if (n != null && n.has("schedule")) {
            return parallel;
        }
        PipelineSchedule schedule = framework.pipelineSchedule().valueFor(parallel.data(), parallel.tensor());
        PipelineLayout layout = parallel.pipelineLayout();
        if (schedule == layout.schedule()) {
            return parallel;
        }
        int virtual = n != null && n.has("virtual_stages") ? layout.virtualStages()
                : schedule == PipelineSchedule.INTERLEAVED_1F1B ? 2 : 1;
        return parallel.withPipelineLayout(new PipelineLayout(schedule, virtual, layout.stage()));
    }

    private Set<RunOption> options(JsonNode n) {
        if (n == null) {
            return Set.of();
        }
        if (!n.isArray()) {
            throw new BadInputException("options: expected an array of names; accepted: " + accepted(RunOption.class)
                    + "; got " + kind(n));
        }
        Set<RunOption> out = EnumSet.noneOf(RunOption.class);
        for (JsonNode x : n) {
            if (!x.isTextual()) {
                throw new BadInputException("options: unknown value " + x + "; accepted: " + accepted(RunOption.class));
            }
            out.add(WireEnum.parse(RunOption.class, "options", x.asText()));
        }
        return out;
    }

    private Inference inference(JsonNode n, int batch, int seq, Precision precision) {
        DType defaultKv = KV_DTYPES.contains(precision.computeDtype()) ? precision.computeDtype() : DType.BF16;
        if (n == null) {
            return new Inference(batch, seq, defaultKv);
        }
        if (!n.isObject()) {
            throw new BadInputException("inference: expected an object {\"batch\", \"context_tokens\", "
                    + "\"kv_cache_dtype\"}, got " + kind(n));
        }
        checkFields("inference", n, INFERENCE_FIELDS);
        int b = positiveInt(n, "batch", "inference.batch", batch);
        int ctx = positiveInt(n, "context_tokens", "inference.context_tokens", seq);
        DType kv = n.has("kv_cache_dtype") ? dtype(n.get("kv_cache_dtype"), "inference.kv_cache_dtype", KV_DTYPES)
                : defaultKv;
        return new Inference(b, ctx, kv);
    }

    private GpuSpec gpu(JsonNode n) {
        GpuSpec card = card(n);
        if (card != null && n.isObject() && n.has("context_bytes")) {
            return card.withContext(positiveLong(n.get("context_bytes"), "gpu.context_bytes"));
        }
        return card;
    }

    private GpuSpec card(JsonNode n) {
        if (n == null) {
            return null;
        }
        if (n.isTextual()) {
            return gpus.resolve("gpu", n.asText());
        }
        if (!n.isObject()) {
            throw new BadInputException("gpu: expected a preset name or a custom card {\"name\", \"total_bytes\", "
                    + "\"arch\"}, got " + kind(n));
        }
        checkFields("gpu", n, GPU_FIELDS);
        String name = text(n, "name", "gpu.name");
        if (name == null || name.isBlank()) {
            throw new BadInputException("gpu.name: required for a custom card");
        }
        String cuda = n.has("cuda") ? text(n, "cuda", "gpu.cuda") : null;
        if (!n.has("total_bytes") && !n.has("arch") && gpus.isPresetName(name)) {
            return gpus.resolve("gpu.name", name).withCuda(cuda);      // a preset run under a stated CUDA version
        }
        if (!n.has("total_bytes")) {
            throw new BadInputException("gpu.total_bytes: required for a custom card (NVML total, bytes)");
        }
        long total = positiveLong(n.get("total_bytes"), "gpu.total_bytes");
        if (!n.has("arch")) {
            return GpuSpec.withoutArch(name, total, cuda);     // arch read from the name, else the default, noted
        }
        GpuArch arch = wire(n, "arch", "gpu.arch", GpuArch.class, null);
        return new GpuSpec(name, total, arch, cuda);
    }

    private Object plain(JsonNode n) {
        Object v = mapper.convertValue(n, new TypeReference<Object>() { });
        return normalise(v);
    }

    /** BigIntegers that fit become Integer/Long, so overrides compare equal however they were written. */
    private static Object normalise(Object v) {
        if (v instanceof BigInteger b) {
            if (b.bitLength() <= 31) {
                return b.intValue();
            }
            if (b.bitLength() <= 63) {
                return b.longValue();
            }
            return b;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(String.valueOf(k), normalise(x)));
            return out;
        }
        if (v instanceof Collection<?> c) {
            List<Object> out = new ArrayList<>();
            c.forEach(x -> out.add(normalise(x)));
            return out;
        }
        return v;
    }
}
