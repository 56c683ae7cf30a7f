package dev.gpumem.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.model.Inventory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every bad input is one IllegalArgumentException sentence naming the file or field and what is accepted. */
class BadInputTest {
    private final ModelLoader loader = new ModelLoader();

    @TempDir
    Path dir;

    private static IllegalArgumentException refused(Runnable r) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e;
    }

    private static void mentions(IllegalArgumentException e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "'" + p + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void unknownPresetListsThePresets() {
        IllegalArgumentException e = refused(() -> loader.load("llama-9-7b", Map.of()));
        mentions(e, "llama-9-7b", "llama-2-7b", "mixtral-8x7b", "config.json");
    }

    @Test
    void missingFileNamesIt() {
        IllegalArgumentException e = refused(() -> loader.load(dir.resolve("nope/config.json").toString(), Map.of()));
        mentions(e, "nope", "does not exist");
    }

    @Test
    void folderWithoutConfigNamesIt() {
        IllegalArgumentException e = refused(() -> loader.load(dir.toString(), Map.of()));
        mentions(e, "config.json", dir.toString());
    }

    @Test
    void malformedJsonNamesTheFile() throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, "{\"model_type\": \"llama\", ");
        IllegalArgumentException e = refused(() -> loader.load(f.toString(), Map.of()));
        mentions(e, f.toString(), "not valid JSON");
    }

    @Test
    void jsonThatIsNotAnObjectIsRefused() throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, "[1, 2]");
        mentions(refused(() -> loader.load(f.toString(), Map.of())), "JSON object");
    }

    @Test
    void missingRequiredKeyNamesItAndItsAliases() {
        Map<String, Object> o = new java.util.HashMap<>();
        o.put("n_embd", null);
        IllegalArgumentException e = refused(() -> loader.load("gpt2", o));
        mentions(e, "'hidden_size'", "n_embd", "positive integer");
    }

    @ParameterizedTest(name = "{0} = {1} is refused")
    @CsvSource({
        "num_hidden_layers, 0",
        "num_hidden_layers, -2",
        "hidden_size, -4096",
        "vocab_size, 3000000000",
        "intermediate_size, 99999999999999999999999",
        "num_attention_heads, 1.5",
    })
    void nonPositiveFractionalOrOverflowingSizesAreRefused(String key, String value) {
        Object v = value.contains(".") ? (Object) Double.valueOf(value)
                : value.length() > 18 ? (Object) new java.math.BigInteger(value) : (Object) Long.valueOf(value);
        IllegalArgumentException e = refused(() -> loader.load("llama-2-7b", Map.of(key, v)));
        mentions(e, "'" + key + "'", "llama-2-7b");
    }

    @Test
    void sizeAsAStringIsRefused() {
        mentions(refused(() -> loader.load("llama-2-7b", Map.of("hidden_size", "big"))), "'hidden_size'", "\"big\"");
    }

    @Test
    void sizesWhoseProductOverflowsAreRefused() {
        IllegalArgumentException e = refused(() -> loader.load("llama-2-7b", Map.of("hidden_size", 2_000_000_000,
                "intermediate_size", 2_000_000_000, "num_attention_heads", 1, "num_key_value_heads", 1)));
        mentions(e, "overflow");
    }

    @Test
    void headsNotAMultipleOfKvHeadsIsRefusedNamingTheSource() {
        IllegalArgumentException e = refused(() -> loader.load("llama-2-7b", Map.of("num_key_value_heads", 5)));
        mentions(e, "llama-2-7b", "num_key_value_heads");
    }

    @Test
    void hiddenSizeNotDivisibleByHeadsWithoutHeadDimIsRefused() {
        mentions(refused(() -> loader.load("gpt2", Map.of("n_head", 7))), "multiple", "head_dim");
    }

    @Test
    void unsupportedArchitecturesValueIsRefused() {
        mentions(refused(() -> loader.load("gpt2", Map.of("architectures", List.of("GPT2DoubleHeadsModelX")))),
                "architectures", "*ForCausalLM");
    }

    @Test
    void unknownModelTypeWithoutTheUsualKeysListsTheSupportedTypes() throws IOException {
        Path f = dir.resolve("config.json");
        Files.writeString(f, "{\"model_type\": \"mamba\", \"hidden_size\": 768, \"vocab_size\": 50280}");
        IllegalArgumentException e = refused(() -> loader.load(f.toString(), Map.of()));
        mentions(e, "'mamba'", "num_hidden_layers", "intermediate_size", "llama", "t5");
    }

    @Test
    void unknownModelTypeWithTheUsualKeysIsAGenericDecoderWithAWarning() {
        Inventory inv = Fixtures.load("unknown-decoder");
        assertEquals(1, inv.warnings().size());
        assertTrue(inv.warnings().get(0).contains("fancy_new"), inv.warnings().get(0));
        long h = 64, ff = 128, q = 64, kv = 32, v = 100;
        long block = 2 * h + q * h + 2 * kv * h + h * q + 3 * h * ff;
        assertEquals(v * h + 2 * block + h + v * h, inv.parameterCount());
        assertEquals("fancy_new", inv.architecture().modelType());
    }

    @Test
    void dropoutOutsideZeroToOneIsRefused() {
        mentions(refused(() -> loader.load("gpt2", Map.of("attn_pdrop", 1.5))), "'attn_pdrop'", "0 to 1");
    }

    @Test
    void unknownActivationListsTheKnownOnes() {
        mentions(refused(() -> loader.load("llama-2-7b", Map.of("hidden_act", "mish"))), "'hidden_act'", "silu");
    }

    @Test
    void nonFloatingTorchDtypeIsRefused() {
        mentions(refused(() -> loader.load("llama-2-7b", Map.of("torch_dtype", "int8"))), "'torch_dtype'", "bfloat16");
    }

    @Test
    void booleanKeyWithAWrongTypeIsRefused() {
        mentions(refused(() -> loader.load("llama-2-7b", Map.of("tie_word_embeddings", "yes"))),
                "'tie_word_embeddings'", "true or false");
    }

    @Test
    void expertsPerTokenAboveExpertsIsRefused() {
        mentions(refused(() -> loader.load("mixtral-8x7b", Map.of("num_experts_per_tok", 9))), "num_experts_per_tok");
    }

    @Test
    void emptyModelRefIsRefused() {
        mentions(refused(() -> loader.load(" ", Map.of())), "'model'", "llama-2-7b");
    }
}
