package dev.gpumem.model.hf;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpumem.input.BadInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads a Hugging Face {@code config.json} into plain Java values (maps, lists, strings, numbers, booleans).
 * One of the two classes of this package that know Jackson (with {@link SafetensorsHeaderReader}).
 */
final class JsonConfigReader {
    /** Thread-safe once configured; one per reader, as building a mapper costs far more than a small parse. */
    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * @return the top-level object of {@code file}
     * @throws BadInputException when the file is missing, unreadable or not a JSON object
     */
    Map<String, Object> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("model config file " + file + " does not exist; give a preset name,"
                    + " a config.json path or a model folder containing config.json");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (NoSuchFileException e) {
            throw new BadInputException("model config file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new BadInputException("model config file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** @return the top-level object read from {@code in}; {@code name} is used in messages */
    Map<String, Object> read(InputStream in, String name) {
        Object value;
        try {
            value = mapper.readValue(in, Object.class);
        } catch (JacksonException e) {
            throw new BadInputException("model config " + name + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new BadInputException("model config " + name + " cannot be read: " + e.getMessage(), e);
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new BadInputException("model config " + name
                    + " must be a JSON object ({...}) of HF config keys");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) map;
        return object;
    }
}
