package dev.gpumem.measure;

/** The phase boundaries of one rank of a multi-process job (markers with {@code rank=}), as {@link RunContext}'s. */
public interface RankMarks {
    /** Opens {@code phase} for this rank. */
    void beginPhase(String phase);

    /** Closes {@code phase} for this rank (or marks the interval since its previous boundary). */
    void endPhase(String phase, FrameworkCounters counters);

    /** The rank's baseline mark. */
    void markBaseline();
}
