package dev.gpumem.model.hf;

import dev.gpumem.model.Inventory;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Keeps the inventories of the last few (preset, overrides) pairs a loader built, so that a batch of requests on the
 * same preset maps it once. Presets are classpath resources and inventories are immutable, so a kept one is always
 * still right; files on disk are never cached, since they may change between requests. Least recently used
 * entries go first; {@link #CAPACITY} bounds the memory (a 7B Llama inventory holds about 300 tensors).
 */
final class PresetInventoryCache {
    static final int CAPACITY = 64;

    private record Key(String preset, Map<String, Object> overrides) {
    }

    private final Map<Key, Inventory> entries = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Inventory> eldest) {
            return size() > CAPACITY;
        }
    };

    /** @return the kept inventory for this preset and overrides, building (and keeping) it when absent */
    Inventory get(String preset, Map<String, Object> overrides, Supplier<Inventory> build) {
        Key key = new Key(preset, overrides == null ? Map.of() : new HashMap<>(overrides));
        synchronized (entries) {
            Inventory kept = entries.get(key);
            if (kept != null) {
                return kept;
            }
        }
        Inventory built = build.get();
        synchronized (entries) {
            entries.put(key, built);
        }
        return built;
    }
}
