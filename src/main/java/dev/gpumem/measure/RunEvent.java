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

    /**
     * What happened. {@code INTERRUPTED}: the run was stopped early by a signal to gpumem (the profile holds the
     * phases so far). {@code PROCESS_KILLED}: a process of the workload had to be ended by gpumem: it outlived the
     * command, or ignored SIGTERM and was killed with SIGKILL.
     */
    public enum Kind {
        OUT_OF_MEMORY, FOREIGN_PROCESS, SAMPLE_RATE, PROBE_UNAVAILABLE, CHILD_FAILED, TIMED_OUT, NOTE, INTERRUPTED,
        PROCESS_KILLED
    }
}
