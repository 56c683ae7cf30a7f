package dev.gpumem.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpumem.input.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads one request object (REQUEST-SCHEMA.md) from a file as plain values, for {@code gpumem measure --request
 * FILE.json}: the command lays its flags over it and {@link RequestJson#fromMap} validates the result.
 */
public final class RequestFiles {
    private RequestFiles() {
    }

    /** @throws BadInputException naming the file and what is wrong with it */
    public static Map<String, Object> readMap(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException("request: file not found: " + file);
        } catch (IOException e) {
            throw new BadInputException("request: cannot read " + file + ": " + e.getMessage());
        }
        ObjectMapper mapper = new ObjectMapper();
        try {
            JsonNode node = mapper.readTree(text);
            if (node == null || !node.isObject()) {
                throw new BadInputException("request: " + file + " must hold one JSON object");
            }
            return mapper.convertValue(node, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new BadInputException("request: " + file + " is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
