package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ModelsCommandTest {
    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        assertEquals(0, code, err.toString());
        return out.toString();
    }

    @Test
    void tableListsEveryPresetWithItsShapeAndGroupedParameterCount() {
        String table = run("models");
        String[] lines = table.strip().split("\\R");
        assertTrue(lines[0].startsWith("preset") && lines[0].contains("params"), lines[0]);
        String llama = java.util.Arrays.stream(lines).filter(l -> l.startsWith("llama-3.1-8b ")).findFirst().orElseThrow();
        // Llama-3.1-8B: 32 layers, hidden 4096, 32 query / 8 KV heads, vocabulary 128,256, 8,030,261,248 parameters
        assertTrue(llama.matches("llama-3\\.1-8b\\s+llama\\s+32\\s+4096\\s+32/8\\s+128256\\s+8,030,261,248"
                + "\\s+meta-llama/Llama-3\\.1-8B, meta-llama/Meta-Llama-3\\.1-8B"), llama);
        assertTrue(table.contains("mixtral-8x7b"));
        assertTrue(table.contains("bert-large-uncased"));
    }

    @Test
    void jsonHasOneObjectPerPresetWithExactParams() {
        String json = run("models", "--json").strip();
        assertTrue(json.startsWith("[") && json.endsWith("]"), json);
        long objects = json.chars().filter(c -> c == '{').count();
        long tableRows = run("models").strip().split("\\R").length - 1;
        assertEquals(tableRows, objects);
        assertTrue(json.contains("{\"name\": \"gpt2\", \"model_type\": \"gpt2\", \"num_layers\": 12,"), json);
        assertTrue(json.contains("\"params\": 124439808}"), json);
    }
}
