package dev.gpumem.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpumem.compare.TruthCase;
import dev.gpumem.input.BadInputException;
import java.util.ArrayList;
import java.util.List;

/** validation/truth.jsonl: one published measurement per line (see validation/README.md). */
public final class TruthJson {
    private TruthJson() {
    }

    /**
     * @param lines the file's lines; blank lines are skipped
     * @throws BadInputException naming the line and field of the first bad entry
     */
    public static List<TruthCase> parse(List<String> lines) {
        ObjectMapper mapper = new ObjectMapper();
        List<TruthCase> out = new ArrayList<>();
        int n = 0;
        for (String line : lines) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode o;
            try {
                o = mapper.readTree(line);
            } catch (JsonProcessingException e) {
                throw new BadInputException("truth line " + n + ": not valid JSON ("
                        + e.getOriginalMessage() + ")");
            }
            if (!o.isObject() || !o.path("id").isTextual() || !o.path("metric").isTextual()) {
                throw new BadInputException("truth line " + n + ": needs string fields id and metric");
            }
            out.add(new TruthCase(o.get("id").asText(), o.get("metric").asText(), longOrNull(o, "bytes"),
                    o.path("gpu").asText(null), o.path("trust").asText(null), longOrNull(o, "gpu_total_bytes"),
                    o.path("boundary").asBoolean(false)));
        }
        return out;
    }

    private static Long longOrNull(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v != null && v.isIntegralNumber() ? v.asLong() : null;
    }
}
