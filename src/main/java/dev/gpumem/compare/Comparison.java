package dev.gpumem.compare;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RankReading;
import dev.gpumem.measure.RunEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One profile set against the estimate of the request it ran: a {@link LevelError} per measured phase and level.
 * A profile phase the estimate does not have (a user's own marker name, or a phase the estimator does not model for
 * this task) gives a note instead of a row. Every row says what it is evidence of ({@link Evidence}: an estimate
 * error, or a replay's plan check) and whether its phase ran to its end ({@link LevelError.State}).
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
     *
     * <p>A replay profile's rows are plan checks ({@link Evidence}). A profile that ran out of memory is not
     * compared as if its phases had run: the phase it failed in is an {@link LevelError.State#OUT_OF_MEMORY} row
     * (measured: the state at the failure, no error), and every phase of the estimate it never reached a
     * {@link LevelError.State#NOT_RUN} row. A CPU profile's note says which level its resident memory is compared
     * with ({@link MeasuredLevels#hostLevel}).
     */
    public static Comparison of(String label, Profile profile, Estimate estimate) {
        List<LevelError> errors = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Optional<RunEvent> oom = outOfMemory(profile);
        if (profile.ranks().isEmpty()) {
            rows(profile, null, profile.phases(), estimate, oom, errors, notes);
        } else {
            for (RankReading rank : profile.ranks()) {
                rows(profile, rank, rank.phases(), estimate, oom, errors, notes);
            }
        }
        if (profile.provenance().device().kind() == DeviceInfo.Kind.CPU) {
            notes.add(hostNote(profile));
        }
        if (Evidence.replaysThePlan(profile)) {
            notes.add("runner " + profile.provenance().runner() + " replays the estimator's own allocation plan: its"
                    + " rows are a plan check (the probe and the plan), not a validation of the estimate, and are"
                    + " kept out of the error statistics"
                    + (profile.provenance().device().kind() == DeviceInfo.Kind.CPU ? ""
                            : "; its device level measures the CUDA context + cudaMalloc granularity over the plan"));
        }
        oom.ifPresent(e -> notes.add(oomNote(e)));
        return new Comparison(label, profile, estimate, errors, notes);
    }

    /** @return the profile's first out-of-memory event, if the run ran out of memory */
    public static Optional<RunEvent> outOfMemory(Profile profile) {
        return profile.events().stream().filter(e -> e.kind() == RunEvent.Kind.OUT_OF_MEMORY).findFirst();
    }

    /** @return the out-of-memory event of this comparison's profile, if it has one */
    public Optional<RunEvent> outOfMemory() {
        return outOfMemory(profile);
    }

    private static String oomNote(RunEvent e) {
        return e.message() + (e.phase() == null ? "" : "; phase " + e.phase() + " and the phases after it did not"
                + " run to their end and are not compared");
    }

    private static String hostNote(Profile profile) {
        Level level = MeasuredLevels.hostLevel(profile);
        return "CPU twin: the resident set's growth over the baseline is compared with the " + level.wire()
                + " estimate" + (level == Level.RESERVED ? " (replay-cca: the host holds the allocator model's segments)"
                        : " (live tensors, one host allocation each)") + "; the other levels have no host counterpart";
    }

    private static void rows(Profile profile, RankReading rank, List<PhaseReading> phases, Estimate estimate,
                             Optional<RunEvent> oom, List<LevelError> errors, List<String> notes) {
        Integer r = rank == null ? null : rank.rank();
        String who = rank == null ? "" : "rank " + rank.rank() + ": ";
        int failed = oom.map(e -> lastIndexOf(phases, e.phase())).orElse(-1);
        for (int i = 0; i < phases.size(); i++) {
            PhaseReading reading = phases.get(i);
            Optional<PhaseEstimate> predicted = estimatedPhase(estimate, reading.phase());
            if (predicted.isEmpty()) {
                notes.add(who + "phase " + reading.phase() + " was measured but the estimate has no such phase");
                continue;
            }
            LevelError.State state = failed >= 0 && i >= failed ? LevelError.State.OUT_OF_MEMORY
                    : LevelError.State.MEASURED;
            for (Level level : Level.values()) {
                Measured m = rank == null ? MeasuredLevels.of(profile, reading, level)
                        : MeasuredLevels.of(profile, rank, reading, level);
                errors.add(new LevelError(reading.phase(), level, predicted(profile, predicted.get(), level), m, r,
                        Evidence.of(profile, level), state));
            }
        }
        if (oom.isPresent()) {
            String why = "never ran: " + oom.get().message();
            for (PhaseEstimate never : estimate.phases()) {
                String wire = never.phase().wire();
                if (phases.stream().noneMatch(p -> p.phase().equals(wire))) {
                    for (Level level : Level.values()) {
                        errors.add(new LevelError(wire, level, predicted(profile, never, level),
                                Measured.absent(why), r,
                                Evidence.of(profile, level), LevelError.State.NOT_RUN));
                    }
                }
            }
        }
    }

    /** @return the index of the last reading of that phase (the run ended in it), or -1 */
    private static int lastIndexOf(List<PhaseReading> phases, String phase) {
        for (int i = phases.size() - 1; i >= 0; i--) {
            if (phases.get(i).phase().equals(phase)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The run-wide peak of each view (the job, or every rank) against the estimate's peak, per level: what a phase
     * row cannot see (memory used outside any phase, after the last marker). Kept apart from {@link #errors()}, so
     * the per-phase statistics stay per phase. A run that ran out of memory never reached its peak: its rows are
     * {@link LevelError.State#OUT_OF_MEMORY}, the highest use before the failure, without an error.
     */
    public List<LevelError> runPeakErrors() {
        List<LevelError> out = new ArrayList<>();
        if (estimate.phases().isEmpty()) {
            return out;
        }
        LevelError.State runState = outOfMemory().isPresent() ? LevelError.State.OUT_OF_MEMORY
                : LevelError.State.MEASURED;
        for (Level level : Level.values()) {
            long predicted = predicted(profile, estimate.peak(level), level);
            if (profile.ranks().isEmpty()) {
                out.add(new LevelError(WHOLE_RUN, level, predicted, MeasuredLevels.ofRunPeak(profile,
                        profile.runPeak(), profile.effectiveBaseline(), level), null, Evidence.of(profile, level),
                        runState));
            }
            for (RankReading rank : profile.ranks()) {
                out.add(new LevelError(WHOLE_RUN, level, predicted, MeasuredLevels.ofRunPeak(profile, rank.peak(),
                        rank.effectiveBaseline(), level), rank.rank(), Evidence.of(profile, level), runState));
            }
        }
        out.sort(java.util.Comparator.comparing((LevelError e) -> e.rank() == null ? -1 : e.rank()));
        return out;
    }

    /**
     * @return what the estimate predicts at {@code level} for this profile: on the CPU twin the allocated level is
     *         the live tensors alone (each tensor is its own host allocation, so no caching-allocator block
     *         remainder exists there), on a GPU torch's allocated figure
     */
    static long predicted(Profile profile, PhaseEstimate phase, Level level) {
        return level == Level.ALLOCATED && profile.provenance().device().kind() == DeviceInfo.Kind.CPU
                ? phase.liveTensors() : phase.level(level);
    }

    private static Optional<PhaseEstimate> estimatedPhase(Estimate estimate, String wire) {
        return estimate.phases().stream().filter(p -> p.phase().wire().equals(wire)).findFirst();
    }

    /** @return the estimate of the named phase, if the estimate has it */
    public Optional<PhaseEstimate> estimateOf(String phaseWire) {
        return estimatedPhase(estimate, phaseWire);
    }

    /** @return each rank's memory outside torch's allocator per phase against the estimate's device − reserved */
    public List<NonTorchRow> nonTorchRows() {
        return NonTorchRow.of(profile, estimate.phases());
    }

    /** @return the errors at {@code level} that have a relative error (estimate errors and plan checks alike) */
    public List<LevelError> scored(Level level) {
        return errors.stream().filter(e -> e.level() == level && e.scored()).toList();
    }
}
