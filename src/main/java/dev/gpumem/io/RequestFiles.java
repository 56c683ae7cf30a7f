package dev.gpumem.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpumem.estimate.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads one request object (REQUEST-SCHEMA.md) from a file, for {@code gpumem measure --request FILE.json}. */
public final class RequestFiles {
    private RequestFiles() {
    }

    /** @throws IllegalArgumentException naming the file or the field */
    public static RunConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("request: file not found: " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("request: cannot read " + file + ": " + e.getMessage());
        }
        try {
            return RequestCodec.fromJson(new ObjectMapper().readTree(text));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("request: " + file + " is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** @return the request as its JSON object text */
    public static String toJson(RunConfig config) {
        return RequestCodec.toJson(config).toPrettyString() + "\n";
    }
}
