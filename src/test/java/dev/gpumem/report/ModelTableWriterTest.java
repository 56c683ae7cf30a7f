package dev.gpumem.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelTableWriterTest {
    private static final ModelLoader LOADER = new ModelLoader();

    private static String table(String... names) {
        List<String> list = List.of(names);
        List<Inventory> presets = list.stream().map(n -> LOADER.load(n, Map.of())).toList();
        return ModelTableWriter.write(list, presets, list.stream().map(LOADER::aliases).toList());
    }

    @Test
    void namesLeftAlignedNumbersRightAlignedUnderTheWidestCell() {
        String nl = System.lineSeparator();
        // GPT-2 small: 12 layers, 768 wide, 12/12 heads, vocabulary 50,257, 124,439,808 parameters;
        // Llama 3.1 8B: 32 layers, 4096 wide, 32/8 heads, vocabulary 128,256, 8,030,261,248 parameters
        // widths: preset 12 (llama-3.1-8b), model_type 10 (header), layers 6, hidden 6, heads/kv 8, vocab 6, params 13;
        // the Hub ids are presets/index.txt's aliases, trailing blanks stripped
        String expected = "preset        model_type  layers  hidden  heads/kv   vocab         params  hub aliases" + nl
                + "gpt2          gpt2            12     768     12/12   50257    124,439,808  openai-community/gpt2" + nl
                + "llama-3.1-8b  llama           32    4096      32/8  128256  8,030,261,248  meta-llama/Llama-3.1-8B,"
                + " meta-llama/Meta-Llama-3.1-8B" + nl;
        assertEquals(expected, table("gpt2", "llama-3.1-8b"));
    }

    @Test
    void aPresetWithoutAliasesShowsADash() {
        String row = ModelTableWriter.write(List.of("gpt2"), List.of(LOADER.load("gpt2", Map.of())),
                List.of(List.of())).lines().skip(1).findFirst().orElseThrow();
        assertEquals("-", row.substring(row.length() - 1), row);
    }

    @Test
    void anEncoderDecoderShowsEncoderPlusDecoderBlocks() {
        String mt5 = table("mt5-small").lines().skip(1).findFirst().orElseThrow();
        // mt5-small: 8 encoder and 8 decoder blocks (google/mt5-small config.json num_layers, num_decoder_layers)
        assertEquals("8+8", mt5.split("\\s+")[2], mt5);
    }
}
