package dev.gpumem.model.hf;

import java.nio.file.Path;
import java.util.List;

/** Where a model reference points ({@link ModelResolver}), with the notes that say how it was chosen. */
sealed interface ModelSource {
    /** @return one sentence each, for the estimate's notes (empty when the reference was plain) */
    List<String> notes();

    /** A shipped preset. */
    record Preset(String name, List<String> notes) implements ModelSource {
        public Preset {
            notes = List.copyOf(notes);
        }
    }

    /** A config.json file, or a model folder (a local one or a Hugging Face cache snapshot). */
    record Local(Path path, List<String> notes) implements ModelSource {
        public Local {
            notes = List.copyOf(notes);
        }
    }
}
