package dev.gpumem.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Inventory;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * {@code gpumem models --json}: one JSON array of the shipped presets, one object a line,
 * {@code {"name", "model_type", "num_layers", "num_encoder_layers", "hidden_size", "num_heads", "num_kv_heads",
 * "head_dim", "intermediate_size", "vocab_size", "num_experts", "tied_embeddings", "hub_aliases", "params"}}
 * ({@code hub_aliases}: the Hugging Face Hub ids that name the preset, an array, may be empty).
 */
public final class ModelsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ModelsJson() {
    }

    /**
     * @param names the preset names, in listing order
     * @param presets the loaded presets, index for index with {@code names}
     * @param aliases each preset's Hugging Face Hub aliases, index for index with {@code names}
     * @return the array, each object on its own line, ending with a line separator
     */
    public static String toJson(List<String> names, List<Inventory> presets, List<List<String>> aliases) {
        String nl = System.lineSeparator();
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < names.size(); i++) {
            Architecture a = presets.get(i).architecture();
            sb.append(i == 0 ? "" : ",").append(nl).append("  {")
                    .append("\"name\": ").append(quote(names.get(i)))
                    .append(", \"model_type\": ").append(quote(a.modelType()))
                    .append(", \"num_layers\": ").append(a.numLayers())
                    .append(", \"num_encoder_layers\": ").append(a.numEncoderLayers())
                    .append(", \"hidden_size\": ").append(a.hiddenSize())
                    .append(", \"num_heads\": ").append(a.numHeads())
                    .append(", \"num_kv_heads\": ").append(a.numKvHeads())
                    .append(", \"head_dim\": ").append(a.headDim())
                    .append(", \"intermediate_size\": ").append(a.intermediateSize())
                    .append(", \"vocab_size\": ").append(a.vocabSize())
                    .append(", \"num_experts\": ").append(a.moe().numExperts())
                    .append(", \"tied_embeddings\": ").append(a.tiedEmbeddings())
                    .append(", \"hub_aliases\": [")
                    .append(String.join(", ", aliases.get(i).stream().map(ModelsJson::quote).toList())).append("]")
                    .append(", \"params\": ").append(presets.get(i).parameterCount())
                    .append("}");
        }
        return sb.append(nl).append("]").append(nl).toString();
    }

    /** A JSON string literal, escaped by Jackson. */
    private static String quote(String s) {
        try {
            return MAPPER.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
