package dev.gpumem.model;

import java.util.Objects;
import java.util.Set;

/**
 * The config.json keys a family's mapper read its MLP activation and dropout probabilities from, so that a request
 * can be rewritten for another runner ({@code model_overrides}) in the family's own words.
 *
 * @param activation the key of the MLP activation
 * @param dropouts   the keys of the dropout probabilities
 */
public record ConfigKeys(String activation, Set<String> dropouts) {
    /** Llama-style configs: {@code hidden_act}, {@code attention_dropout} and {@code hidden_dropout}. */
    public static final ConfigKeys LLAMA = new ConfigKeys("hidden_act", Set.of("attention_dropout", "hidden_dropout"));

    public ConfigKeys {
        Objects.requireNonNull(activation, "activation");
        dropouts = Set.copyOf(dropouts);
    }
}
