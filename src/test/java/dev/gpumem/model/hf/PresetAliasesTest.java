package dev.gpumem.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Preset names ignore case, Hub ids are aliases of the presets copied from them, and typos get a suggestion. */
class PresetAliasesTest {
    /** a loader whose Hugging Face cache is an empty folder, so every Hub id falls through to the aliases */
    private final ModelLoader loader = new ModelLoader(HfCache.locate(Map.of("HF_HUB_CACHE", "/nonexistent/hub"),
            Path.of("/nonexistent")));
    private final PresetCatalog catalog = new PresetCatalog(new JsonConfigReader());

    @Test
    void theHubIdsUsersTypeAreAliasesOfTheirPresets() {
        Map<String, String> expected = Map.of(
                "meta-llama/Llama-2-7b-hf", "llama-2-7b",
                "meta-llama/Llama-3.1-8B", "llama-3.1-8b",
                "Qwen/Qwen2.5-7B", "qwen2.5-7b",
                "openai-community/gpt2", "gpt2",
                "google/gemma-2-2b", "gemma-2-2b",
                "mistralai/Mistral-7B-v0.1", "mistral-7b-v0.1",
                "microsoft/phi-1_5", "phi-1.5");
        expected.forEach((id, preset) -> assertEquals(preset, catalog.byAlias(id).orElseThrow(), id));
    }

    @Test
    void everyAliasNamesAShippedPresetAndIsAHubId() {
        catalog.aliases().forEach((alias, preset) -> {
            assertTrue(catalog.names().contains(preset), alias);
            assertTrue(HubId.parse(alias).isPresent(), alias + " is not an ORG/NAME Hub id");
        });
        assertTrue(catalog.aliases().size() >= catalog.names().size(), "one alias or more per preset");
    }

    @Test
    void presetNamesIgnoreCase() {
        assertEquals(loader.load("llama-3.1-8b", Map.of()).parameterCount(),
                loader.load("Llama-3.1-8B", Map.of()).parameterCount());
        assertEquals(loader.load("gpt2", Map.of()).parameterCount(),
                loader.load("openai-community/gpt2", Map.of()).parameterCount());
    }

    @Test
    void anUnknownNameSuggestsTheClosestPreset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loader.load("llama-3.1-8", Map.of()));
        assertTrue(e.getMessage().startsWith("unknown model 'llama-3.1-8'; did you mean llama-3.1-8b?"), e.getMessage());
        IllegalArgumentException two = assertThrows(IllegalArgumentException.class,
                () -> loader.load("llama-3.1-7b", Map.of()));      // one edit from both 8b and 70b
        assertTrue(two.getMessage().contains("did you mean llama-3.1-70b or llama-3.1-8b?"), two.getMessage());
        IllegalArgumentException hub = assertThrows(IllegalArgumentException.class,
                () -> loader.load("meta-llama/Lama-3.1-8B", Map.of()));
        assertTrue(hub.getMessage().contains("; did you mean llama-3.1-8b?"), hub.getMessage());
        IllegalArgumentException far = assertThrows(IllegalArgumentException.class,
                () -> loader.load("resnet50", Map.of()));
        assertTrue(!far.getMessage().contains("did you mean"), far.getMessage());
    }
}
