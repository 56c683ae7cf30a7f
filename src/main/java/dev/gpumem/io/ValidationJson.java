package dev.gpumem.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads what {@code gpumem validate} needs of a validation folder's requests.jsonl before the request is mapped. */
public final class ValidationJson {
    /** the case id of a line that has no readable one */
    public static final String NO_ID = "?";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ValidationJson() {
    }

    /**
     * @return the string {@code id} of a request line, so a request the estimator refuses is still scored under its
     *     case; {@value #NO_ID} when the line is not a JSON object or its id is not a string
     */
    public static String caseId(String requestLine) {
        try {
            JsonNode line = MAPPER.readTree(requestLine);
            JsonNode id = line == null ? null : line.get("id");
            return id != null && id.isTextual() ? id.asText() : NO_ID;
        } catch (JsonProcessingException e) {
            return NO_ID;
        }
    }
}
