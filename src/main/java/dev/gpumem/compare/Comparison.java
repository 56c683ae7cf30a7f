package dev.gpumem.compare;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RankReading;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One profile set against the estimate of the request it ran: a {@link LevelError} per measured phase and level.
 * A profile phase the estimate does not have (a user's own marker name, or a phase the estimator does not model for
 * this task) gives a note instead of a row.
 *
 * @param label    what the profile is called in tables (its file name)
 * @param profile  the measurement
 * @param estimate the re-estimate of {@code profile.request()}
 * @param errors   one per (phase, level), in profile phase order, levels allocated, reserved, device
 * @param notes    phases left out and why, one sentence each
 */
public record Comparison(String label, Profile profile, Estimate estimate, List<LevelError> errors,
                         List<String> notes) {
    public Comparison {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(estimate, "estimate");
        errors = List.copyOf(errors);
        notes = List.copyOf(notes);
    }

    /** the phase name of the rows that set the estimate's peak against the run-wide peak */
    public static final String WHOLE_RUN = "whole_run";

    /**
     * A single-process profile: one row per measured phase and level, then the run-wide peak against the
     * estimate's peak. A multi-process profile (per-rank readings): the same for every rank, since the estimate is
     * per rank (per GPU); the job-wide view, the sum of all ranks' processes, is not compared.
     */
    public static Comparison of(String label, Profile profile, Estimate estimate) {
        List<LevelError> errors = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (profile.ranks().isEmpty()) {
            rows(profile, null, profile.phases(), estimate, errors, notes);
        } else {
            for (RankReading rank : profile.ranks()) {
                rows(profile, rank, rank.phases(), estimate, errors, notes);
            }
        }
        return new Comparison(label, profile, estimate, errors, notes);
    }

    private static void rows(Profile profile, RankReading rank, List<PhaseReading> phases, Estimate estimate,
                             List<LevelError> errors, List<String> notes) {
        Integer r = rank == null ? null : rank.rank();
        String who = rank == null ? "" : "rank " + rank.rank() + ": ";
        for (PhaseReading reading : phases) {
            Optional<PhaseEstimate> predicted = estimatedPhase(estimate, reading.phase());
            if (predicted.isEmpty()) {
                notes.add(who + "phase " + reading.phase() + " was measured but the estimate has no such phase");
                continue;
            }
            for (Level level : Level.values()) {
                Measured m = rank == null ? MeasuredLevels.of(profile, reading, level)
                        : MeasuredLevels.of(profile, rank, reading, level);
                errors.add(new LevelError(reading.phase(), level, predicted.get().level(level), m, r));
            }
        }
    }

    /**
     * The run-wide peak of each view (the job, or every rank) against the estimate's peak, per level: what a phase
     * row cannot see (memory used outside any phase, after the last marker). Kept apart from {@link #errors()}, so
     * the per-phase statistics stay per phase.
     */
    public List<LevelError> runPeakErrors() {
        List<LevelError> out = new ArrayList<>();
        if (estimate.phases().isEmpty()) {
            return out;
        }
        for (Level level : Level.values()) {
            long predicted = estimate.peak(level).level(level);
            if (profile.ranks().isEmpty()) {
                out.add(new LevelError(WHOLE_RUN, level, predicted, MeasuredLevels.ofRunPeak(profile,
                        profile.runPeak(), profile.effectiveBaseline(), level), null));
            }
            for (RankReading rank : profile.ranks()) {
                out.add(new LevelError(WHOLE_RUN, level, predicted, MeasuredLevels.ofRunPeak(profile, rank.peak(),
                        rank.effectiveBaseline(), level), rank.rank()));
            }
        }
        out.sort(java.util.Comparator.comparing((LevelError e) -> e.rank() == null ? -1 : e.rank()));
        return out;
    }

    private static Optional<PhaseEstimate> estimatedPhase(Estimate estimate, String wire) {
        return estimate.phases().stream().filter(p -> p.phase().wire().equals(wire)).findFirst();
    }

    /** @return the estimate of the named phase, if the estimate has it */
    public Optional<PhaseEstimate> estimateOf(String phaseWire) {
        return estimatedPhase(estimate, phaseWire);
    }

    /** @return the errors at {@code level} that have a relative error */
    public List<LevelError> scored(Level level) {
        return errors.stream().filter(e -> e.level() == level && e.scored()).toList();
    }
}
