package dev.gpumem.model.hf;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpumem.input.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON header of a {@code .safetensors} file without touching the weights.
 * Format (huggingface/safetensors README, "Format"): 8 bytes little-endian unsigned header length N, then N bytes
 * of UTF-8 JSON mapping each tensor name to {@code {"dtype", "shape", "data_offsets"}}, plus an optional
 * {@code "__metadata__"} string map, then the raw data.
 */
final class SafetensorsHeaderReader {
    /** The format's own cap on header size (safetensors rejects headers above 100,000,000 bytes). */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private final ObjectMapper mapper = new ObjectMapper();

    /** @return the tensors the header lists, in header order */
    List<SafetensorsEntry> read(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] lengthBytes = in.readNBytes(8);
            if (lengthBytes.length < 8) {
                throw malformed(file, "shorter than the 8-byte header length");
            }
            long length = ByteBuffer.wrap(lengthBytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (length <= 0 || length > MAX_HEADER_BYTES || length > Files.size(file) - 8) {
                throw malformed(file, "header length " + Long.toUnsignedString(length) + " is outside 1.."
                        + Math.min(MAX_HEADER_BYTES, Files.size(file) - 8));
            }
            byte[] header = in.readNBytes((int) length);
            return parse(file, header);
        } catch (IOException e) {
            throw new BadInputException("safetensors file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private List<SafetensorsEntry> parse(Path file, byte[] header) {
        JsonNode root;
        try {
            root = mapper.readTree(header);
        } catch (JacksonException e) {
            throw malformed(file, "header is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw malformed(file, "header cannot be parsed (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw malformed(file, "header is not a JSON object");
        }
        List<SafetensorsEntry> entries = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("__metadata__")) {
                continue;
            }
            entries.add(entry(file, field.getKey(), field.getValue()));
        }
        return entries;
    }

    private SafetensorsEntry entry(Path file, String name, JsonNode node) {
        JsonNode dtype = node.get("dtype");
        JsonNode shape = node.get("shape");
        if (dtype == null || !dtype.isTextual() || shape == null || !shape.isArray()) {
            throw malformed(file, "tensor '" + name + "' lacks a \"dtype\" string or a \"shape\" array");
        }
        List<Long> dims = new ArrayList<>();
        for (JsonNode d : shape) {
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw malformed(file, "tensor '" + name + "' has shape " + shape
                        + "; dimensions must be integers >= 0");
            }
            dims.add(d.asLong());
        }
        return new SafetensorsEntry(name, dtype.asText(), dims);
    }

    private static BadInputException malformed(Path file, String why) {
        return new BadInputException("safetensors file " + file + " is malformed: " + why);
    }
}
