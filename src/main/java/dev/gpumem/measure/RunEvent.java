package dev.gpumem.measure;

import java.util.Objects;

/**
 * Something that happened during a run and belongs in the profile.
 *
 * @param kind    what happened
 * @param phase   phase wire name it happened in, or null
 * @param message one sentence
 * @param bytes   a byte count it concerns (requested bytes for an OOM, a foreign process's use), or null
 */
public record RunEvent(Kind kind, String phase, String message, Long bytes) {
    public RunEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
    }

    public enum Kind { OUT_OF_MEMORY, FOREIGN_PROCESS, SAMPLE_RATE, PROBE_UNAVAILABLE, CHILD_FAILED, TIMED_OUT, NOTE }
}
