package dev.gpumem.compare;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
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

    public static Comparison of(String label, Profile profile, Estimate estimate) {
        List<LevelError> errors = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (PhaseReading reading : profile.phases()) {
            Optional<PhaseEstimate> predicted = estimatedPhase(estimate, reading.phase());
            if (predicted.isEmpty()) {
                notes.add("phase " + reading.phase() + " was measured but the estimate has no such phase");
                continue;
            }
            for (Level level : Level.values()) {
                errors.add(new LevelError(reading.phase(), level, predicted.get().level(level),
                        MeasuredLevels.of(profile, reading, level)));
            }
        }
        return new Comparison(label, profile, estimate, errors, notes);
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
