package dev.gpumem.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpumem.estimate.GpuSpec;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.WireEnum;
import dev.gpumem.units.DType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stand-in for the request contract's codec (io.RequestJson, written on the {@code interface} branch for issue 3's
 * sibling work): the {@link RunConfig} as the REQUEST-SCHEMA.md request object, so that profiles carry the request
 * they ran. Its only users are {@link ProfileJson} and {@link RequestFiles}; it is replaced by io.RequestJson when
 * that is merged.
 */
final class RequestCodec {
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private RequestCodec() {
    }

    static ObjectNode toJson(RunConfig c) {
        ObjectNode n = F.objectNode();
        n.put("id", c.id());
        n.put("model", c.model());
        n.set("model_overrides", MAPPER.valueToTree(c.modelOverrides()));
        n.put("task", c.task().wire());
        n.put("precision", c.precision().wire());
        n.put("master_weights", c.masterWeights());
        n.put("optimizer", c.optimizer().wire());
        n.put("batch", c.batch());
        n.put("seq", c.seq());
        n.put("grad_accum", c.gradAccum());
        n.put("checkpointing", c.checkpointing().wire());
        n.put("attention", c.attention().wire());
        ObjectNode ft = n.putObject("finetune");
        ft.put("method", c.finetune().method().wire());
        if (c.finetune().method() != RunConfig.FinetuneMethod.FULL) {
            ft.put("rank", c.finetune().rank());
            ft.put("alpha", c.finetune().alpha());
            ArrayNode t = ft.putArray("targets");
            c.finetune().targets().forEach(t::add);
            if (c.finetune().quant() != null) {
                ft.put("quant", c.finetune().quant().wireName());
            }
        }
        ObjectNode par = n.putObject("parallel");
        par.put("data", c.parallel().data());
        par.put("zero", c.parallel().zero());
        par.put("tensor", c.parallel().tensor());
        par.put("pipeline", c.parallel().pipeline());
        ArrayNode opts = n.putArray("options");
        c.options().stream().map(WireEnum::wire).sorted().forEach(opts::add);
        ObjectNode inf = n.putObject("inference");
        inf.put("batch", c.inference().batch());
        inf.put("context_tokens", c.inference().contextTokens());
        inf.put("kv_cache_dtype", c.inference().kvCacheDtype().wireName());
        if (c.gpu() != null) {
            ObjectNode g = n.putObject("gpu");
            g.put("name", c.gpu().name());
            g.put("total_bytes", c.gpu().totalBytes());
            g.put("arch", c.gpu().arch().wire());
        }
        n.put("compat", c.compat().wire());
        return n;
    }

    /** @throws IllegalArgumentException naming the field */
    static RunConfig fromJson(JsonNode n) {
        if (!n.isObject()) {
            throw new IllegalArgumentException("request: must be a JSON object");
        }
        String model = text(n, "model", null);
        if (model == null) {
            throw new IllegalArgumentException("model: required");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> overrides = n.has("model_overrides")
                ? MAPPER.convertValue(n.get("model_overrides"), Map.class) : Map.of();
        RunConfig.Task task = WireEnum.parse(RunConfig.Task.class, "task", text(n, "task", "train"));
        RunConfig.Precision precision = WireEnum.parse(RunConfig.Precision.class, "precision",
                text(n, "precision", "amp-bf16"));
        RunConfig.Optimizer optimizer = WireEnum.parse(RunConfig.Optimizer.class, "optimizer",
                text(n, "optimizer", "adamw"));
        int seq = n.path("seq").asInt(512);
        RunConfig.Finetune finetune = RunConfig.Finetune.FULL;
        JsonNode ft = n.path("finetune");
        if (ft.isObject()) {
            RunConfig.FinetuneMethod m = WireEnum.parse(RunConfig.FinetuneMethod.class, "finetune.method",
                    text(ft, "method", "full"));
            if (m != RunConfig.FinetuneMethod.FULL) {
                List<String> targets = new ArrayList<>();
                ft.path("targets").forEach(t -> targets.add(t.asText()));
                String quant = text(ft, "quant", null);
                finetune = new RunConfig.Finetune(m, ft.path("rank").asInt(0), ft.path("alpha").asInt(0), targets,
                        quant == null ? null : DType.parse(quant));
            }
        }
        JsonNode p = n.path("parallel");
        RunConfig.Parallel parallel = p.isObject() ? new RunConfig.Parallel(p.path("data").asInt(1),
                p.path("zero").asInt(0), p.path("tensor").asInt(1), p.path("pipeline").asInt(1))
                : RunConfig.Parallel.SINGLE;
        Set<RunConfig.RunOption> options = EnumSet.noneOf(RunConfig.RunOption.class);
        n.path("options").forEach(o -> options.add(WireEnum.parse(RunConfig.RunOption.class, "options",
                o.asText())));
        JsonNode i = n.path("inference");
        RunConfig.Inference inference = i.isObject() ? new RunConfig.Inference(i.path("batch").asInt(1),
                i.path("context_tokens").asInt(seq), DType.parse(text(i, "kv_cache_dtype", "bf16")))
                : RunConfig.Inference.defaults(seq);
        GpuSpec gpu = null;
        JsonNode g = n.path("gpu");
        if (g.isObject()) {
            gpu = new GpuSpec(text(g, "name", "custom"), g.path("total_bytes").asLong(0),
                    WireEnum.parse(GpuSpec.GpuArch.class, "gpu.arch", text(g, "arch", "hopper")));
        } else if (g.isTextual()) {
            throw new IllegalArgumentException("gpu: presets are not resolved here yet; give "
                    + "{\"name\", \"total_bytes\", \"arch\"} or leave it out");
        }
        return new RunConfig(text(n, "id", ""), model, overrides, task, precision,
                n.path("master_weights").asBoolean(false), optimizer, n.path("batch").asInt(1), seq,
                n.path("grad_accum").asInt(1),
                WireEnum.parse(RunConfig.Checkpointing.class, "checkpointing", text(n, "checkpointing", "none")),
                WireEnum.parse(RunConfig.AttentionKernel.class, "attention", text(n, "attention", "sdpa")),
                finetune, parallel, options, inference, gpu,
                WireEnum.parse(RunConfig.Compat.class, "compat", text(n, "compat", "none")));
    }

    private static String text(JsonNode n, String field, String dflt) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? dflt : v.asText();
    }
}
