package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelsJsonTest {
    private static final ModelLoader LOADER = new ModelLoader();

    private static String json(String... names) {
        List<String> list = List.of(names);
        List<Inventory> presets = list.stream().map(n -> LOADER.load(n, Map.of())).toList();
        return ModelsJson.toJson(list, presets, list.stream().map(LOADER::aliases).toList());
    }

    @Test
    void readsBackAsOneObjectPerPresetWithGpt2sPublishedShape() throws Exception {
        JsonNode arr = new ObjectMapper().readTree(json("gpt2", "llama-3.1-8b"));
        assertEquals(2, arr.size());
        JsonNode gpt2 = arr.get(0);
        // GPT-2 small (openai-community/gpt2 config.json): 12 layers, n_embd 768, 12 heads, vocab 50257, 4 * 768 MLP,
        // tied lm_head; 124,439,808 parameters (wte 50257*768 + wpe 1024*768 + 12 blocks of 7,087,872 + ln_f 1,536)
        assertEquals("gpt2", gpt2.get("name").asText());
        assertEquals("gpt2", gpt2.get("model_type").asText());
        assertEquals(12, gpt2.get("num_layers").asInt());
        assertEquals(0, gpt2.get("num_encoder_layers").asInt());
        assertEquals(768, gpt2.get("hidden_size").asInt());
        assertEquals(12, gpt2.get("num_heads").asInt());
        assertEquals(64, gpt2.get("head_dim").asInt());
        assertEquals(3072, gpt2.get("intermediate_size").asInt());
        assertEquals(50257, gpt2.get("vocab_size").asInt());
        assertTrue(gpt2.get("tied_embeddings").asBoolean());
        assertEquals(50257L * 768 + 1024L * 768 + 12L * 7_087_872 + 1_536, gpt2.get("params").asLong());
        assertEquals("[\"openai-community/gpt2\"]", gpt2.get("hub_aliases").toString());
        // Llama 3.1 8B: 32 query / 8 KV heads; the Hub repository and its earlier name (presets/index.txt)
        assertEquals(8, arr.get(1).get("num_kv_heads").asInt());
        assertEquals("[\"meta-llama/Llama-3.1-8B\",\"meta-llama/Meta-Llama-3.1-8B\"]",
                arr.get(1).get("hub_aliases").toString());
    }

    @Test
    void eachPresetIsOneLineBetweenTheBrackets() {
        String nl = System.lineSeparator();
        String[] lines = json("gpt2", "llama-3.1-8b").split(nl, -1);
        assertEquals("[", lines[0]);
        assertTrue(lines[1].startsWith("  {\"name\": \"gpt2\", \"model_type\": \"gpt2\", \"num_layers\": 12,")
                && lines[1].endsWith("},"), lines[1]);
        assertTrue(lines[2].startsWith("  {\"name\": \"llama-3.1-8b\"") && lines[2].endsWith("}"), lines[2]);
        assertEquals("]", lines[3]);
        assertEquals("", lines[4]);
    }
}
