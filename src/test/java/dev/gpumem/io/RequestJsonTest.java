package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.GpuSpec;
import dev.gpumem.estimate.GpuSpec.GpuArch;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Compat;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.FinetuneMethod;
import dev.gpumem.estimate.RunConfig.Inference;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.RunConfig.RunOption;
import dev.gpumem.estimate.RunConfig.Task;
import dev.gpumem.units.DType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestJsonTest {
    private final RequestJson json = new RequestJson(GpuPresetsJson.load());

    private static RunConfig everyFieldSet(GpuSpec gpu) {
        return new RunConfig("run-7", "models/llama.json", Map.of("num_hidden_layers", 2, "rope_theta", 500000.0,
                "architectures", List.of("LlamaForCausalLM")), Task.TRAIN, Precision.AMP_FP16, true,
                Optimizer.ADAMW_8BIT, 3, 1536, 4, Checkpointing.SELECTIVE, AttentionKernel.EAGER,
                new Finetune(FinetuneMethod.QLORA, 16, 32, List.of("q_proj", "o_proj"), DType.NF4),
                new Parallel(8, 3, 2, 2), Set.of(RunOption.COMPILE, RunOption.CHUNKED_LOSS),
                new Inference(5, 4096, DType.FP8), gpu, Compat.ACCELERATE);
    }

    @Test
    void roundTripKeepsEveryFieldWithAPreset() {
        RunConfig c = everyFieldSet(GpuPresetsJson.load().resolve("gpu", "a100-80gb"));
        String line = json.toJson(c);
        assertTrue(line.contains("\"gpu\":\"a100-80gb\""), line);
        assertEquals(c, json.parse(line));
    }

    @Test
    void aPresetRunUnderAStatedCudaVersionKeepsThePresetAndTheVersion() {
        RunConfig c = json.parse("{\"model\":\"m\",\"gpu\":{\"name\":\"v100-16gb\",\"cuda\":\"11.2\"}}");
        assertEquals("v100-16gb", c.gpu().name());
        assertEquals(GpuArch.VOLTA, c.gpu().arch());
        assertEquals("11.2", c.gpu().cuda());
        assertEquals(c, json.parse(json.toJson(c)));
    }

    @Test
    void aStatedContextKeepsThePresetAndRoundTrips() {
        RunConfig c = json.parse("{\"model\":\"m\",\"gpu\":{\"name\":\"v100-16gb\",\"cuda\":\"11.2\","
                + "\"context_bytes\":1406140416}}");
        assertEquals("v100-16gb", c.gpu().name());
        assertEquals("11.2", c.gpu().cuda());
        assertEquals(1_406_140_416L, c.gpu().contextBytes().getAsLong());
        assertEquals(c, json.parse(json.toJson(c)));
        RunConfig custom = json.parse("{\"model\":\"m\",\"gpu\":{\"name\":\"box\",\"total_bytes\":1000000000,"
                + "\"arch\":\"ampere\",\"context_bytes\":300000000}}");
        assertEquals(300_000_000L, custom.gpu().contextBytes().getAsLong());
        assertEquals(custom, json.parse(json.toJson(custom)));
    }

    @Test
    void roundTripKeepsACustomCard() {
        RunConfig c = everyFieldSet(new GpuSpec("my-card", 12_345_678_901L, GpuArch.ADA));
        String line = json.toJson(c);
        assertTrue(line.contains("\"total_bytes\":12345678901"), line);
        assertEquals(c, json.parse(line));
    }

    @Test
    void aCustomCardWithoutArchIsEstimatedWithTheArchitectureItsNameTells() {
        RunConfig c = json.parse("{\"model\":\"m\",\"gpu\":{\"name\":\"NVIDIA H100 NVL\",\"total_bytes\":100}}");
        assertEquals(GpuArch.HOPPER, c.gpu().arch());
        assertEquals(GpuSpec.ArchOrigin.FROM_NAME, c.gpu().archOrigin());
        String line = json.toJson(c);
        assertFalse(line.contains("\"arch\""), line);          // written back as the user gave it
        assertEquals(c, json.parse(line));
        RunConfig unknown = json.parse("{\"model\":\"m\",\"gpu\":{\"name\":\"lab box\",\"total_bytes\":100}}");
        assertEquals(GpuSpec.DEFAULT_ARCH, unknown.gpu().arch());
        assertEquals(GpuSpec.ArchOrigin.DEFAULT, unknown.gpu().archOrigin());
    }

    @Test
    void roundTripOfTheDefaults() {
        RunConfig c = json.parse("{\"model\":\"m\"}");
        assertEquals(c, json.parse(json.toJson(c)));
    }

    @Test
    void defaultsFillEveryOptionalField() {
        RunConfig c = json.parse("{\"model\":\"llama-3.1-8b\"}");
        assertEquals("", c.id());
        assertEquals(Task.TRAIN, c.task());
        assertEquals(Precision.AMP_BF16, c.precision());
        assertFalse(c.masterWeights());
        assertEquals(Optimizer.ADAMW, c.optimizer());
        assertEquals(1, c.batch());
        assertEquals(2048, c.seq());
        assertEquals(1, c.gradAccum());
        assertEquals(Checkpointing.NONE, c.checkpointing());
        assertEquals(AttentionKernel.SDPA, c.attention());
        assertEquals(Finetune.FULL, c.finetune());
        assertEquals(Parallel.SINGLE, c.parallel());
        assertEquals(Set.of(), c.options());
        assertEquals(new Inference(1, 2048, DType.BF16), c.inference());
        assertNull(c.gpu());
        assertEquals(Compat.NONE, c.compat());
        RunConfig inf = json.parse("{\"model\":\"m\",\"task\":\"inference\",\"precision\":\"fp16\",\"batch\":3,\"seq\":100}");
        assertEquals(Optimizer.NONE, inf.optimizer());
        assertEquals(new Inference(3, 100, DType.FP16), inf.inference());
        RunConfig lora = json.parse("{\"model\":\"m\",\"finetune\":{\"method\":\"lora\"}}");
        assertEquals(new Finetune(FinetuneMethod.LORA, 8, 16, List.of("q_proj", "v_proj"), null), lora.finetune());
        RunConfig peft = json.parse("{\"model\":\"m\",\"finetune\":{\"method\":\"lora\",\"adapter_dtype\":\"fp32\"}}");
        assertEquals(DType.FP32, peft.finetune().adapterDtype());
        assertEquals(null, lora.finetune().adapterDtype());
        RunConfig qlora = json.parse("{\"model\":\"m\",\"finetune\":\"qlora\"}");
        assertEquals(DType.NF4, qlora.finetune().quant());
    }

    @Test
    void readsEveryValidationRequest() throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                RequestJsonTest.class.getResourceAsStream("validation-requests.jsonl"), StandardCharsets.UTF_8))) {
            List<String> lines = in.lines().filter(l -> !l.isBlank()).toList();
            assertEquals(33, lines.size());
            for (String line : lines) {
                RunConfig c = json.parse(line);
                assertFalse(c.id().isEmpty());
                assertEquals(c, json.parse(json.toJson(c)), c.id());
            }
        }
        RunConfig lit08 = json.parse(lineWithId("LIT-08"));
        assertEquals(new Parallel(2, 3, 1, 1), lit08.parallel());
    }

    private static String lineWithId(String id) throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                RequestJsonTest.class.getResourceAsStream("validation-requests.jsonl"), StandardCharsets.UTF_8))) {
            return in.lines().filter(l -> l.contains("\"" + id + "\"")).findFirst().orElseThrow();
        }
    }

    @Test
    void overrideValuesKeepTheirJsonTypes() {
        RunConfig c = json.parse("{\"model\":\"m\",\"model_overrides\":{\"num_hidden_layers\":2,"
                + "\"quantization_config\":{\"load_in_4bit\":true,\"quant_method\":\"bitsandbytes\"}}}");
        assertEquals(2, c.modelOverrides().get("num_hidden_layers"));
        assertEquals(Map.of("load_in_4bit", true, "quant_method", "bitsandbytes"),
                c.modelOverrides().get("quantization_config"));
        assertEquals(2, json.parseValue("2"));
        assertEquals(true, json.parseValue("true"));
        assertEquals("gelu_new", json.parseValue("gelu_new"));
        assertEquals(List.of(1, 2), json.parseValue("[1,2]"));
    }

    @Test
    void everyBadInputIsOneSentenceNamingTheField() {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"model\":", "request: malformed JSON");
        cases.put("[1, 2]", "request: expected a JSON object");
        cases.put("{\"model\":\"m\"} {}", "request: malformed JSON");
        cases.put("{}", "model: required");
        cases.put("{\"model\":\"\"}", "model: must not be empty");
        cases.put("{\"model\":\"m\",\"foo\":1}", "foo: unknown field; accepted request fields: id, model,");
        cases.put("{\"model\":\"m\",\"precision\":\"fp8\"}",
                "precision: unknown value 'fp8'; accepted: fp32, fp16, bf16, amp-fp16, amp-bf16");
        cases.put("{\"model\":\"m\",\"task\":\"serve\"}", "task: unknown value 'serve'; accepted: train, inference");
        cases.put("{\"model\":\"m\",\"optimizer\":\"rmsprop\"}", "optimizer: unknown value 'rmsprop'; accepted: adamw,");
        cases.put("{\"model\":\"m\",\"batch\":0}", "batch: must be a positive integer, got 0");
        cases.put("{\"model\":\"m\",\"seq\":-5}", "seq: must be a positive integer, got -5");
        cases.put("{\"model\":\"m\",\"batch\":1e20}", "batch: 1.0E20 is out of range; must be a positive integer up to 2147483647");
        cases.put("{\"model\":\"m\",\"seq\":99999999999999999999999}", "seq: 99999999999999999999999 is out of range");
        cases.put("{\"model\":\"m\",\"batch\":3000000000}", "batch: 3000000000 is out of range");
        cases.put("{\"model\":\"m\",\"batch\":2.5}", "batch: must be a positive integer, got 2.5");
        cases.put("{\"model\":\"m\",\"batch\":\"4\"}", "batch: must be a positive integer, got the string \"4\"");
        cases.put("{\"model\":\"m\",\"grad_accum\":0}", "grad_accum: must be a positive integer, got 0");
        cases.put("{\"model\":\"m\",\"master_weights\":\"yes\"}", "master_weights: expected true or false");
        cases.put("{\"model\":\"m\",\"checkpointing\":\"partial\"}", "checkpointing: unknown value 'partial'; accepted: none, full, selective");
        cases.put("{\"model\":\"m\",\"attention\":\"flash\"}", "attention: unknown value 'flash'; accepted: eager, sdpa");
        cases.put("{\"model\":\"m\",\"gpu\":\"h100-81gb\"}", "gpu: unknown value 'h100-81gb'; accepted: v100-16gb,");
        cases.put("{\"model\":\"m\",\"gpu\":{\"name\":\"v100-16gb\",\"cuda\":\"eleven\"}}", "gpu.cuda: expected a CUDA version");
        cases.put("{\"model\":\"m\",\"gpu\":{\"name\":\"v100-16gb\",\"context_bytes\":0}}",
                "gpu.context_bytes: must be a positive integer, got 0");
        cases.put("{\"model\":\"m\",\"gpu\":{\"name\":\"c\",\"total_bytes\":100,\"arch\":\"hopper\","
                + "\"context_bytes\":100}}", "gpu.context_bytes: must be a positive number of bytes below the card's total");
        cases.put("{\"model\":\"m\",\"gpu\":{\"name\":\"c\",\"total_bytes\":0,\"arch\":\"hopper\"}}",
                "gpu.total_bytes: must be a positive integer, got 0");
        cases.put("{\"model\":\"m\",\"gpu\":{\"name\":\"c\",\"total_bytes\":1,\"arch\":\"pascal\"}}",
                "gpu.arch: unknown value 'pascal'; accepted: volta, turing, ampere, ada, hopper, blackwell");
        cases.put("{\"model\":\"m\",\"gpu\":{\"name\":\"c\",\"arch\":\"ada\"}}", "gpu.total_bytes: required");
        cases.put("{\"model\":\"m\",\"gpu\":{\"name\":\"c\",\"total_bytes\":1,\"arch\":\"ada\",\"mem\":2}}",
                "gpu.mem: unknown field; accepted gpu fields: name, total_bytes, arch");
        cases.put("{\"model\":\"m\",\"finetune\":{\"method\":\"dora\"}}", "finetune.method: unknown value 'dora'; accepted: full, lora, qlora");
        cases.put("{\"model\":\"m\",\"finetune\":{\"rank\":8}}", "finetune.method: required; accepted: full, lora, qlora");
        cases.put("{\"model\":\"m\",\"finetune\":{\"method\":\"lora\",\"rank\":0}}", "finetune.rank: must be a positive integer, got 0");
        cases.put("{\"model\":\"m\",\"finetune\":{\"method\":\"lora\",\"targets\":[]}}", "finetune.targets: expected a non-empty array");
        cases.put("{\"model\":\"m\",\"finetune\":{\"method\":\"full\",\"rank\":8}}", "finetune.rank: applies only to lora and qlora");
        cases.put("{\"model\":\"m\",\"finetune\":{\"method\":\"lora\",\"adapter_dtype\":\"int8\"}}", "finetune.adapter_dtype:");
        cases.put("{\"model\":\"m\",\"finetune\":{\"method\":\"qlora\",\"quant\":\"int3\"}}", "finetune.quant: unknown value 'int3'; accepted: nf4, int4, int8");
        cases.put("{\"model\":\"m\",\"parallel\":{\"zero\":4}}", "parallel.zero: unknown value 4; accepted: 0, 1, 2, 3");
        cases.put("{\"model\":\"m\",\"parallel\":{\"data\":0}}", "parallel.data: must be a positive integer, got 0");
        cases.put("{\"model\":\"m\",\"parallel\":{\"dp\":2}}", "parallel.dp: unknown field; accepted parallel fields: data, zero, tensor, pipeline");
        cases.put("{\"model\":\"m\",\"options\":[\"turbo\"]}", "options: unknown value 'turbo'; accepted: chunked_loss, optimizer_in_backward, activation_offloading, compile, fused_optimizer, zero_grad_in_place");
        cases.put("{\"model\":\"m\",\"options\":\"compile\"}", "options: expected an array of names");
        cases.put("{\"model\":\"m\",\"inference\":{\"kv_cache_dtype\":\"fp12\"}}", "inference.kv_cache_dtype: unknown value 'fp12'; accepted: fp32, fp16, bf16, fp8, int8, int4");
        cases.put("{\"model\":\"m\",\"inference\":{\"context_tokens\":-1}}", "inference.context_tokens: must be a positive integer, got -1");
        cases.put("{\"model\":\"m\",\"compat\":\"deepspeed\"}", "compat: unknown value 'deepspeed'; accepted: none, accelerate");
        cases.put("{\"model\":\"m\",\"model_overrides\":3}", "model_overrides: expected an object of config keys");
        cases.put("{\"model\":\"m\",\"model_overrides\":{\"x\":null}}", "model_overrides.x: null is not a config value");
        cases.put("{\"model\":\"m\",\"id\":[1]}", "id: must be a string or a number");
        cases.forEach((request, expected) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> json.parse(request), request);
            assertTrue(e.getMessage().startsWith(expected), request + " -> " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        });
    }

    @Test
    void aMistypedFieldOrDtypeSuggestsTheNearestOne() {
        IllegalArgumentException field = assertThrows(IllegalArgumentException.class,
                () -> json.parse("{\"model\":\"m\",\"bacth\":2}"));
        assertTrue(field.getMessage().startsWith("bacth: unknown field; accepted request fields: id, model,"),
                field.getMessage());
        assertTrue(field.getMessage().endsWith("; did you mean batch?"), field.getMessage());
        IllegalArgumentException kv = assertThrows(IllegalArgumentException.class,
                () -> json.parse("{\"model\":\"m\",\"inference\":{\"kv_cache_dtype\":\"bf61\"}}"));
        assertTrue(kv.getMessage().endsWith("; did you mean bf16?"), kv.getMessage());
    }

    @Test
    void aBadRequestCarriesItsId() {
        RequestJson.BadRequest e = assertThrows(RequestJson.BadRequest.class,
                () -> json.parse("{\"id\":\"x-1\",\"model\":\"m\",\"batch\":0}"));
        assertEquals("x-1", e.id());
        RequestJson.BadRequest n = assertThrows(RequestJson.BadRequest.class,
                () -> json.parse("{\"id\":42,\"model\":\"m\",\"seq\":0}"));
        assertEquals("42", n.id());
    }
}
