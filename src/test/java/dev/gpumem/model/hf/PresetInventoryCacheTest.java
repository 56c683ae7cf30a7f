package dev.gpumem.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.gpumem.model.Inventory;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PresetInventoryCacheTest {
    @Test
    void aLoaderMapsTheSamePresetAndOverridesOnce() {
        ModelLoader loader = new ModelLoader();
        Map<String, Object> overrides = new HashMap<>(Map.of("num_hidden_layers", 2));
        Inventory first = loader.load("llama-2-7b", overrides);
        assertSame(first, loader.load("llama-2-7b", Map.of("num_hidden_layers", 2)));
        overrides.put("num_hidden_layers", 3);                 // the caller's map changing later changes nothing kept
        Inventory three = loader.load("llama-2-7b", overrides);
        assertNotSame(first, three);
        assertEquals(2, loader.load("llama-2-7b", Map.of("num_hidden_layers", 2)).architecture().numLayers());
        assertEquals(3, three.architecture().numLayers());
    }

    @Test
    void theLeastRecentlyUsedEntryGoesBeyondCapacity() {
        PresetInventoryCache cache = new PresetInventoryCache();
        ModelLoader loader = new ModelLoader();
        Inventory gpt2 = loader.load("gpt2", Map.of());
        Inventory kept = cache.get("gpt2", Map.of(), () -> gpt2);
        for (int i = 1; i <= PresetInventoryCache.CAPACITY; i++) {
            int layers = i;
            cache.get("gpt2", Map.of("n_layer", layers), () -> loader.load("gpt2", Map.of("n_layer", layers)));
        }
        Inventory rebuilt = loader.load("gpt2", Map.of("n_layer", 12, "n_embd", 768));
        assertNotSame(kept, cache.get("gpt2", Map.of(), () -> rebuilt));
    }
}
