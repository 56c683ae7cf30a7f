package dev.gpumem.measure;

import dev.gpumem.estimate.RunConfig;
import java.util.List;
import java.util.Objects;

/**
 * An empirical memory profile: everything a run measured, with what produced it. Versioned by
 * {@link #SCHEMA_VERSION}; serialised only by {@code io}.
 *
 * @param schemaVersion  {@link #SCHEMA_VERSION} when written
 * @param provenance     tool, commit, host, device
 * @param request        the estimate request it ran (REQUEST-SCHEMA contract), or null for an external
 *                       command run without one
 * @param command        the external command line, or null
 * @param baseline       reading before the workload (runtime, JVM, context already up where the runner needs it)
 * @param markedBaseline reading at the workload's own {@code baseline} mark (after its imports), or null
 * @param phases         per-phase readings in order
 * @param samples        the sampler's readings (written as CSV beside the JSON)
 * @param sampleRateHz   sample rate achieved
 * @param events         OOMs, foreign processes, notes
 * @param ranks          per-rank readings of a multi-process job (markers with rank=, or RANK in a child's
 *                       environment), by rank; empty otherwise
 * @param devices        per-GPU readings of a multi-GPU run, by index; empty for a single device or the CPU twin
 */
public record Profile(int schemaVersion, Provenance provenance, RunConfig request, List<String> command,
                      Reading baseline, Reading markedBaseline, List<PhaseReading> phases, List<Sample> samples,
                      double sampleRateHz, List<RunEvent> events, List<RankReading> ranks,
                      List<DeviceReading> devices) {
    public static final int SCHEMA_VERSION = 1;

    public Profile {
        Objects.requireNonNull(provenance, "provenance");
        command = command == null ? null : List.copyOf(command);
        Objects.requireNonNull(baseline, "baseline");
        phases = List.copyOf(phases);
        samples = List.copyOf(samples);
        events = List.copyOf(events);
        ranks = ranks == null ? List.of() : List.copyOf(ranks);
        devices = devices == null ? List.of() : List.copyOf(devices);
    }

    /** A profile without per-device readings. */
    public Profile(int schemaVersion, Provenance provenance, RunConfig request, List<String> command,
                   Reading baseline, Reading markedBaseline, List<PhaseReading> phases, List<Sample> samples,
                   double sampleRateHz, List<RunEvent> events, List<RankReading> ranks) {
        this(schemaVersion, provenance, request, command, baseline, markedBaseline, phases, samples, sampleRateHz,
                events, ranks, List.of());
    }

    /** A single-process profile without a baseline mark. */
    public Profile(int schemaVersion, Provenance provenance, RunConfig request, List<String> command,
                   Reading baseline, List<PhaseReading> phases, List<Sample> samples, double sampleRateHz,
                   List<RunEvent> events) {
        this(schemaVersion, provenance, request, command, baseline, null, phases, samples, sampleRateHz, events,
                List.of());
    }

    /** @return the baseline the workload is counted from: the baseline mark's reading, else {@link #baseline()} */
    public Reading effectiveBaseline() {
        return markedBaseline != null ? markedBaseline : baseline;
    }

    /** @return the run-wide peak per level, inside a phase or not (derived from the phases and samples) */
    public RunPeak runPeak() {
        return RunPeak.of(baseline, phases, samples);
    }
}
