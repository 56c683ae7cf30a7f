package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.RequestJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** measure --request R with flags: nested objects merge field by field, flags win (issue 10). */
class RequestOptionsMergeTest {
    private final RequestJson json = new RequestJson(GpuPresetsJson.load());

    private Map<String, Object> flags(String... args) {
        RequestOptions o = new RequestOptions();
        new CommandLine(o).parseArgs(args);
        return o.toRequest(json);
    }

    @Test
    void aLoraAlphaFlagAddsToTheFilesFinetuneObject() {
        Map<String, Object> file = Map.of("model", "gpt2", "finetune", Map.of("method", "lora", "rank", 16));
        RunConfig c = json.fromMap(RequestOptions.merge(file, flags("--lora-alpha", "8")));
        assertEquals(RunConfig.FinetuneMethod.LORA, c.finetune().method());
        assertEquals(16, c.finetune().rank());
        assertEquals(8, c.finetune().alpha());
    }

    @Test
    void aFinetuneMethodNameInTheFileTakesTheFlagsFields() {
        RunConfig c = json.fromMap(RequestOptions.merge(Map.of("model", "gpt2", "finetune", "lora"),
                flags("--lora-rank", "4")));
        assertEquals(RunConfig.FinetuneMethod.LORA, c.finetune().method());
        assertEquals(4, c.finetune().rank());
    }

    @Test
    void flagsWinScalarsAndListsAndKeepTheOtherNestedFields() {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("model", "gpt2");
        file.put("batch", 4);
        file.put("parallel", Map.of("data", 8, "zero", 1));
        file.put("model_overrides", Map.of("n_layer", 2));
        file.put("options", List.of("fused_optimizer"));
        RunConfig c = json.fromMap(RequestOptions.merge(file, flags("--batch", "2", "--zero", "2", "--override",
                "n_head=4")));
        assertEquals(2, c.batch());
        assertEquals(8, c.parallel().data());
        assertEquals(2, c.parallel().zero());
        assertEquals(List.of("n_head", "n_layer"), c.modelOverrides().keySet().stream().sorted().toList());
        assertEquals(java.util.Set.of(RunConfig.RunOption.FUSED_OPTIMIZER), c.options());
        assertEquals(Map.of("data", 8, "zero", 1), file.get("parallel"), "the file's map is not changed");
    }
}
