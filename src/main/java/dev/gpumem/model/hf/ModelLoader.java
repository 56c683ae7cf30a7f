package dev.gpumem.model.hf;

import dev.gpumem.model.Inventory;
import java.util.List;
import java.util.Map;

/**
 * Turns a model reference into an inventory: a preset name, a path to a config.json, or a model folder
 * (config.json + *.safetensors headers).
 */
public final class ModelLoader {

    /**
     * @param ref       preset name, config.json path, or folder
     * @param overrides HF config keys to override before reading (values as parsed from JSON)
     * @throws IllegalArgumentException one sentence naming the field / file and the accepted values
     */
    public Inventory load(String ref, Map<String, Object> overrides) {
        throw new IllegalArgumentException("model: loading '" + ref + "' is not implemented yet");
    }

    /** @return the shipped preset names, sorted */
    public List<String> presets() {
        return List.of();
    }
}
