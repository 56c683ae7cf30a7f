package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpumem.estimate.Estimator;
import dev.gpumem.estimate.Offload;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.ZeroBuffers;
import dev.gpumem.input.BadInputException;
import dev.gpumem.model.hf.ModelLoader;
import org.junit.jupiter.api.Test;

/** The DeepSpeed buffer fields and offload as a request states them, and the result's host object. */
class RequestJsonZeroBuffersTest {
    private final RequestJson json = new RequestJson(GpuPresetsJson.load());

    @Test
    void deepspeedDefaultsItsBuffersAndTheStatedOnesWin() {
        RunConfig d = json.parse("{\"model\": \"gpt2\", \"precision\": \"bf16\", \"framework\": \"deepspeed\", "
                + "\"parallel\": {\"data\": 2, \"zero\": 3}}");
        // config.py @38327e0: allgather 5e8, contiguous True, prefetch 5e7, max live 1e9
        assertEquals(new ZeroBuffers(500_000_000L, true, 50_000_000L, 1_000_000_000L), d.framework().zeroBuffers());
        assertEquals(Offload.NONE, d.framework().offload());
        RunConfig s = json.parse("{\"model\": \"gpt2\", \"precision\": \"bf16\", \"framework\": \"deepspeed\", "
                + "\"parallel\": {\"data\": 2, \"zero\": 3}, \"contiguous_gradients\": false, "
                + "\"stage3_prefetch_bucket_size\": 1e6, \"stage3_max_live_parameters\": 3e8, "
                + "\"allgather_bucket_size\": 2e8, \"offload\": \"optimizer_and_params\"}");
        assertEquals(new ZeroBuffers(200_000_000L, false, 1_000_000L, 300_000_000L), s.framework().zeroBuffers());
        assertEquals(Offload.OPTIMIZER_AND_PARAMS, s.framework().offload());
        assertEquals(ZeroBuffers.NONE, json.parse("{\"model\": \"gpt2\"}").framework().zeroBuffers());
    }

    @Test
    void badValuesAreOneSentenceNamingTheField() {
        BadInputException offload = assertThrows(BadInputException.class, () -> json.parse(
                "{\"model\": \"gpt2\", \"framework\": \"deepspeed\", \"parallel\": {\"data\": 2, \"zero\": 2}, "
                        + "\"offload\": \"cpu\"}"));
        assertTrue(offload.getMessage().startsWith("offload"), offload.getMessage());
        assertTrue(offload.getMessage().contains("optimizer_and_params"), offload.getMessage());
        BadInputException prefetch = assertThrows(BadInputException.class, () -> json.parse(
                "{\"model\": \"gpt2\", \"framework\": \"deepspeed\", \"stage3_prefetch_bucket_size\": -1}"));
        assertTrue(prefetch.getMessage().startsWith("stage3_prefetch_bucket_size"), prefetch.getMessage());
        BadInputException notDeepspeed = assertThrows(BadInputException.class, () -> json.parse(
                "{\"model\": \"gpt2\", \"framework\": \"fsdp1\", \"contiguous_gradients\": true}"));
        assertTrue(notDeepspeed.getMessage().contains("framework deepspeed"), notDeepspeed.getMessage());
    }

    @Test
    void theResultCarriesAHostObjectOnlyWhenTheRequestOffloads() throws Exception {
        Estimator estimator = new Estimator();
        String base = "{\"model\": \"gpt2\", \"precision\": \"bf16\", \"framework\": \"deepspeed\", "
                + "\"batch\": 1, \"seq\": 64, \"parallel\": {\"data\": 2, \"zero\": 2}";
        RunConfig plain = json.parse(base + "}");
        RunConfig off = json.parse(base + ", \"offload\": \"optimizer\"}");
        ObjectMapper m = new ObjectMapper();
        JsonNode a = m.readTree(new ResultJson().toJson(estimator.estimate(new ModelLoader().load("gpt2", java.util.Map.of()), plain), true));
        JsonNode b = m.readTree(new ResultJson().toJson(estimator.estimate(new ModelLoader().load("gpt2", java.util.Map.of()), off), true));
        assertFalse(a.has("host"));
        assertTrue(b.path("host").path("host_bytes").asLong() > 0);
        assertTrue(b.path("host").path("terms").size() > 0);
        assertTrue(b.path("peak").path("device_bytes").asLong() < a.path("peak").path("device_bytes").asLong());
    }
}
