package dev.gpumem.measure.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/torch_step.py without PyTorch: request and config handling (--dry-run), refusals, and the exit status
 * when torch is missing. Its training step itself needs PyTorch and runs only where that is installed.
 */
class TorchStepScriptTest {
    private static final Path SCRIPT = Path.of("scripts", "torch_step.py");

    @TempDir
    Path tmp;

    private record Result(int exit, String out, String err) {
    }

    private Result run(String requestJson, String... extra) throws IOException, InterruptedException {
        assumeTrue(Files.exists(SCRIPT), "run from the repository root");
        Path req = tmp.resolve("req.json");
        Files.writeString(req, requestJson);
        List<String> cmd = new ArrayList<>(List.of("python3", SCRIPT.toString(), "--request", req.toString()));
        cmd.addAll(List.of(extra));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(tmp.resolve("err.txt").toFile()).start();
        } catch (IOException e) {
            assumeTrue(false, "python3 is not installed");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out, Files.readString(tmp.resolve("err.txt")));
    }

    @Test
    void aConfigFileWithOverridesBecomesLlamaStyleDimensions() throws Exception {
        Path cfg = tmp.resolve("config.json");
        Files.writeString(cfg, "{\"model_type\":\"llama\",\"hidden_size\":512,\"num_hidden_layers\":8,"
                + "\"num_attention_heads\":8,\"num_key_value_heads\":2,\"intermediate_size\":1376,"
                + "\"vocab_size\":1000,\"tie_word_embeddings\":false}");
        Result r = run("{\"model\":\"" + cfg + "\",\"model_overrides\":{\"num_hidden_layers\":2},"
                + "\"precision\":\"bf16\",\"checkpointing\":\"full\"}", "--dry-run");
        assertEquals(0, r.exit(), r.err());
        // head_dim = hidden / heads = 512 / 8
        assertTrue(r.out().contains("\"head_dim\": 64"), r.out());
        assertTrue(r.out().contains("\"layers\": 2"), "the override wins");
        assertTrue(r.out().contains("\"kv_heads\": 2"));
        assertTrue(r.out().contains("\"checkpointing\": \"full\""));
        assertTrue(r.out().contains("\"seq\": 2048"), "REQUEST-SCHEMA default");
    }

    @Test
    void whatTheStepCannotRunFaithfullyIsRefusedWithStatus2() throws Exception {
        Result lora = run("{\"model\":\"gpt2\",\"finetune\":{\"method\":\"lora\",\"rank\":8}}", "--dry-run");
        assertEquals(2, lora.exit());
        assertTrue(lora.err().contains("finetune: lora is not run"), lora.err());
        assertEquals(2, run("{\"model\":\"gpt2\",\"optimizer\":\"lion\"}", "--dry-run").exit());
        assertEquals(2, run("{\"model\":\"gpt2\",\"parallel\":{\"data\":8}}", "--dry-run").exit());
        assertEquals(2, run("{\"model\":\"no-such-preset\"}", "--dry-run").exit());
        assertEquals(2, run("not json", "--dry-run").exit());
    }

    @Test
    void thePlainLlamaStyleModelRefusesOtherFamiliesUnlessHfBuildsThem() throws Exception {
        Result gpt2 = run("{\"model\":\"gpt2\"}", "--dry-run");
        assertEquals(2, gpt2.exit());
        assertTrue(gpt2.err().contains("model: model_type 'gpt2' has other blocks"), gpt2.err());
        assertEquals(0, run("{\"model\":\"gpt2\"}", "--dry-run", "--hf").exit());
        assertEquals(0, run("{\"model\":\"qwen2.5-0.5b\"}", "--dry-run").exit());
    }

    @Test
    void withoutPytorchTheStepExitsWithStatus3() throws Exception {
        Process probe = new ProcessBuilder("python3", "-c", "import torch").start();
        assumeTrue(probe.waitFor() != 0, "PyTorch is installed here");
        Result r = run("{\"model\":\"llama-3.2-1b\",\"model_overrides\":{\"num_hidden_layers\":1}}");
        assertEquals(3, r.exit());
        assertTrue(r.err().contains("PyTorch is not importable"));
    }
}
