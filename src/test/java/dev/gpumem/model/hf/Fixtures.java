package dev.gpumem.model.hf;

import dev.gpumem.model.Inventory;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Map;

/** Loads the family config fixtures under src/test/resources/dev/gpumem/model/hf/configs. */
final class Fixtures {
    private Fixtures() {
    }

    static Path config(String name) {
        URL url = Fixtures.class.getResource("/dev/gpumem/model/hf/configs/" + name + ".json");
        if (url == null) {
            throw new IllegalStateException("missing fixture " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Inventory load(String name) {
        return new ModelLoader().load(config(name).toString(), Map.of());
    }

    static Inventory load(String name, Map<String, Object> overrides) {
        return new ModelLoader().load(config(name).toString(), overrides);
    }
}
