package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpumem.estimate.RunConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchJsonTest {
    @Test
    void theGeneratedBatchIsValidRequestsOfBothTasks() {
        RequestJson requests = new RequestJson(GpuPresetsJson.load());
        List<String> lines = BenchJson.requestLines("llama-3.1-8b", 10_000);
        assertEquals(10_000, lines.size());
        Set<RunConfig.Task> tasks = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (String l : lines) {
            RunConfig c = requests.parse(l);
            tasks.add(c.task());
            ids.add(c.id());
        }
        assertEquals(Set.of(RunConfig.Task.TRAIN, RunConfig.Task.INFERENCE), tasks);
        assertEquals(10_000, ids.size());
    }

    @Test
    void linesAreCompactJsonInTheOrderBenchHasAlwaysWritten() {
        List<String> lines = BenchJson.requestLines("gpt2", 12);
        // line 0: batch 1 + 0 % 64 = 1, seq 128 << 0 = 128, precision[0], optimizer[(0 / 4) % 4 = 0], checkpointing[0]
        assertEquals("{\"id\":\"b0\",\"model\":\"gpt2\",\"task\":\"train\",\"precision\":\"amp-bf16\","
                + "\"optimizer\":\"adamw\",\"batch\":1,\"seq\":128,\"checkpointing\":\"none\",\"gpu\":\"a100-80gb\"}",
                lines.get(0));
        // line 4 (every fifth): inference, batch 5, seq 128 << 4 = 2048, context 2 * 2048 = 4096
        assertEquals("{\"id\":\"b4\",\"model\":\"gpt2\",\"task\":\"inference\",\"precision\":\"bf16\",\"batch\":5,"
                + "\"seq\":2048,\"inference\":{\"batch\":5,\"context_tokens\":4096,\"kv_cache_dtype\":\"bf16\"},"
                + "\"gpu\":\"h100-80gb\"}", lines.get(4));
        // line 11: batch 12, seq 128 << (11 % 7 = 4) = 2048, precision[11 % 4 = 3], optimizer[(11 / 4) % 4 = 2],
        // checkpointing[11 % 3 = 2]
        assertEquals("{\"id\":\"b11\",\"model\":\"gpt2\",\"task\":\"train\",\"precision\":\"amp-fp16\","
                + "\"optimizer\":\"adamw-8bit\",\"batch\":12,\"seq\":2048,\"checkpointing\":\"selective\","
                + "\"gpu\":\"a100-80gb\"}", lines.get(11));
    }

    @Test
    void aModelNameWithQuotesStaysOneString() throws Exception {
        String line = BenchJson.requestLines("org/\"odd\\name", 1).get(0);
        JsonNode back = new ObjectMapper().readTree(line);
        assertEquals("org/\"odd\\name", back.get("model").asText());
    }
}
