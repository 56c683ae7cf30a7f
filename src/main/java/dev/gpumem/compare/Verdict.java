package dev.gpumem.compare;

import dev.gpumem.estimate.Level;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RankReading;
import dev.gpumem.measure.Reading;
import dev.gpumem.units.ByteFormat;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The CI verdict over measured profiles (and, where they have one, their estimates): one {@link VerdictCase} per
 * profile × rank × phase × level that was measured, each with the limits of {@link Limits} it breached.
 *
 * <p>Checks: {@code maxError} on every scored per-phase and run-wide error of the comparisons (a replay's rows are
 * plan checks, {@link Evidence}: their failures say so, and a note says --max-error checked the plan there, not the
 * estimate; a phase that ran out of memory fails --max-error, since it could not be checked); {@code maxPeak} on
 * every measured number (the one the estimate is compared with, {@link MeasuredLevels}); the budget on every measured
 * number whose rank, phase (the n-th phase of that name) and level the budget profile measured too:
 * measured ≤ budget × (1 + rtol), as Megatron-LM's golden-value tests keep per-GPU memory with rtol 0.05.
 *
 * @param cases    in profile, rank, phase order
 * @param limits   what was checked
 * @param notes    what could not be checked and why, one sentence each
 */
public record Verdict(List<VerdictCase> cases, Limits limits, List<String> notes) {
    public Verdict {
        cases = List.copyOf(cases);
        Objects.requireNonNull(limits, "limits");
        notes = List.copyOf(notes);
    }

    /** A measured profile and the comparison with its estimate, if it has one. */
    public record Input(String label, Profile profile, Comparison comparison) {
        public Input {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(profile, "profile");
        }
    }

    private record Key(String profile, Integer rank, String phase, Level level) {
    }

    private static final class Builder {
        final Long measured;
        Long estimated;
        int checks;
        final List<String> failures = new ArrayList<>();

        Builder(Long measured) {
            this.measured = measured;
        }
    }

    public static Verdict of(List<Input> inputs, Limits limits) {
        Map<Key, Builder> cases = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        for (Input in : inputs) {
            for (View v : views(in.profile())) {
                Map<String, Integer> seen = new HashMap<>();
                for (PhaseReading ph : v.phases()) {
                    int nth = seen.merge(ph.phase(), 1, Integer::sum);
                    for (Level level : Level.values()) {
                        Measured m = v.rank() == null ? MeasuredLevels.of(in.profile(), ph, level)
                                : MeasuredLevels.of(in.profile(), v.rankReading(), ph, level);
                        String phaseName = nth == 1 ? ph.phase() : ph.phase() + "#" + nth;
                        measuredCase(cases, in, v, phaseName, level, m, limits);
                    }
                }
                for (Level level : Level.values()) {
                    Measured m = MeasuredLevels.ofRunPeak(in.profile(), v.peak(), v.baseline(), level);
                    measuredCase(cases, in, v, Comparison.WHOLE_RUN, level, m, limits);
                }
            }
            if (in.comparison() == null) {
                if (limits.maxError() != null) {
                    notes.add(in.label() + ": no estimate request, so --max-error was not checked");
                }
                continue;
            }
            List<LevelError> all = new ArrayList<>(in.comparison().errors());
            all.addAll(in.comparison().runPeakErrors());
            List<String> names = caseNames(all);
            java.util.Set<String> oomFlagged = new java.util.HashSet<>();
            for (int i = 0; i < all.size(); i++) {
                LevelError e = all.get(i);
                String phaseName = names.get(i);
                if (!e.measured().present()) {
                    continue; // not measured (a CPU profile's other levels, a phase never run): no case
                }
                Builder b = cases.computeIfAbsent(new Key(in.label(), e.rank(), phaseName, e.level()),
                        k -> new Builder(e.measured().bytes()));
                b.estimated = e.estimated();
                if (limits.maxError() != null && e.state() == LevelError.State.OUT_OF_MEMORY
                        && !Comparison.WHOLE_RUN.equals(e.phase()) && oomFlagged.add(e.rank() + "/" + phaseName)) {
                    b.checks++;
                    b.failures.add("out of memory here: the phase did not run to its end, so --max-error could"
                            + " not be checked (measured " + ByteFormat.mib(e.measured().bytes())
                            + " at the failure)");
                }
                if (limits.maxError() != null && e.scored()) {
                    b.checks++;
                    double limit = limits.maxError() / 100;
                    if (Math.abs(e.relativeError()) > limit) {
                        b.failures.add(String.format(Locale.ROOT, "%s %+.2f%% above --max-error %.2f%% "
                                + "(estimate %s, measured %s)", errorName(e.evidence()), 100 * e.relativeError(),
                                limits.maxError(), ByteFormat.mib(e.estimated()),
                                ByteFormat.mib(e.measured().bytes())));
                    }
                }
            }
            if (limits.maxError() != null && Evidence.replaysThePlan(in.profile())) {
                notes.add(in.label() + ": runner " + in.profile().provenance().runner() + " replays the estimator's"
                        + " own plan, so --max-error checked the probe and the plan there (a plan check), not the"
                        + " estimate");
            }
        }
        List<VerdictCase> out = new ArrayList<>();
        cases.forEach((k, b) -> out.add(new VerdictCase(k.profile(), k.rank(), k.phase(), k.level(), b.measured,
                b.estimated, b.checks, b.failures)));
        if (limits.budget() != null) {
            notes.addAll(budgetNotes(inputs, limits.budget()));
        }
        return new Verdict(out, limits, notes);
    }

    /** @return how a failure names the deviation: an estimate error, or a replay's plan check */
    private static String errorName(Evidence evidence) {
        return switch (evidence) {
            case ESTIMATE_ERROR -> "estimate error";
            case PLAN_CHECK -> "plan check (replay of the estimator's own plan) off by";
            case DEVICE_OVERHEAD_CHECK -> "plan check, device level (CUDA context + cudaMalloc granularity over the"
                    + " plan) off by";
        };
    }

    private static void measuredCase(Map<Key, Builder> cases, Input in, View v, String phase, Level level,
                                     Measured m, Limits limits) {
        if (!m.present()) {
            return;
        }
        Builder b = cases.computeIfAbsent(new Key(in.label(), v.rank(), phase, level), k -> new Builder(m.bytes()));
        if (limits.maxPeak() != null) {
            b.checks++;
            if (m.bytes() > limits.maxPeak()) {
                b.failures.add("measured " + ByteFormat.mib(m.bytes()) + " above --max-peak "
                        + ByteFormat.mib(limits.maxPeak()) + " (" + m.basis() + ")");
            }
        }
        if (limits.budget() != null) {
            Long budget = budgetOf(limits.budget(), v.rank(), phase, level);
            if (budget != null) {
                b.checks++;
                double allowed = budget * (1 + limits.rtol());
                if (m.bytes() > allowed) {
                    b.failures.add(String.format(Locale.ROOT, "measured %s above the budget %s + %.0f%% (%s)",
                            ByteFormat.mib(m.bytes()), ByteFormat.mib(budget), 100 * limits.rtol(),
                            "from the baseline profile"));
                }
            }
        }
    }

    /** @return what the budget profile measured at the same rank, phase (n-th of its name) and level, or null */
    private static Long budgetOf(Profile budget, Integer rank, String phase, Level level) {
        for (View v : views(budget)) {
            if (!Objects.equals(v.rank(), rank)) {
                continue;
            }
            if (phase.equals(Comparison.WHOLE_RUN)) {
                Measured m = MeasuredLevels.ofRunPeak(budget, v.peak(), v.baseline(), level);
                return m.bytes();
            }
            Map<String, Integer> seen = new HashMap<>();
            for (PhaseReading ph : v.phases()) {
                int nth = seen.merge(ph.phase(), 1, Integer::sum);
                String name = nth == 1 ? ph.phase() : ph.phase() + "#" + nth;
                if (name.equals(phase)) {
                    Measured m = v.rank() == null ? MeasuredLevels.of(budget, ph, level)
                            : MeasuredLevels.of(budget, v.rankReading(), ph, level);
                    return m.bytes();
                }
            }
        }
        return null;
    }

    private static List<String> budgetNotes(List<Input> inputs, Profile budget) {
        List<String> notes = new ArrayList<>();
        if (budget.provenance().device().kind() != inputs.stream().findFirst()
                .map(i -> i.profile().provenance().device().kind()).orElse(budget.provenance().device().kind())) {
            notes.add("the budget profile was measured on a " + budget.provenance().device().kind().name()
                    .toLowerCase(Locale.ROOT) + ", the profiles checked against it on another kind of device");
        }
        return notes;
    }

    /** The job-wide view of a single-process profile, or one rank of a multi-process one. */
    private record View(Integer rank, RankReading rankReading, List<PhaseReading> phases,
                        dev.gpumem.measure.RunPeak peak, Reading baseline) {
    }

    private static List<View> views(Profile p) {
        List<View> out = new ArrayList<>();
        if (p.ranks().isEmpty()) {
            out.add(new View(null, null, p.phases(), p.runPeak(), p.effectiveBaseline()));
        }
        for (RankReading r : p.ranks()) {
            out.add(new View(r.rank(), r, r.phases(), r.peak(), r.effectiveBaseline()));
        }
        return out;
    }

    /** @return true when no case breached a limit */
    public boolean passed() {
        return cases.stream().noneMatch(VerdictCase::failed);
    }

    public List<VerdictCase> failures() {
        return cases.stream().filter(VerdictCase::failed).toList();
    }

    /** @return the number of limit checks made */
    public int checks() {
        return cases.stream().mapToInt(VerdictCase::checks).sum();
    }

    /**
     * @return the one verdict line: {@code gpumem verdict: PASS (n checks ...)} or {@code gpumem verdict: FAIL: k
     *         of n checks; first: PROFILE rank R/phase/level: why}
     */
    public String line() {
        String limitsText = limitsText();
        if (passed()) {
            return "gpumem verdict: PASS (" + checks() + " checks" + limitsText + ")";
        }
        List<VerdictCase> failed = failures();
        int breaches = failed.stream().mapToInt(c -> c.failures().size()).sum();
        VerdictCase first = failed.get(0);
        return "gpumem verdict: FAIL: " + breaches + " of " + checks() + " checks" + limitsText + "; first: "
                + first.profile() + " " + first.name() + ": " + first.failures().get(0);
    }

    private String limitsText() {
        List<String> parts = new ArrayList<>();
        if (limits.maxError() != null) {
            parts.add(String.format(Locale.ROOT, "--max-error %.2f%%", limits.maxError()));
        }
        if (limits.maxPeak() != null) {
            parts.add("--max-peak " + ByteFormat.mib(limits.maxPeak()));
        }
        if (limits.budget() != null) {
            parts.add(String.format(Locale.ROOT, "budget rtol %.2f", limits.rtol()));
        }
        return parts.isEmpty() ? "" : ": " + String.join(", ", parts);
    }

    /** @return the case of that profile, rank, phase ({@code forward}, or {@code forward#2} for the second) and level */
    public java.util.Optional<VerdictCase> caseOf(String profile, Integer rank, String phase, Level level) {
        return cases.stream().filter(c -> c.profile().equals(profile) && Objects.equals(c.rank(), rank)
                && c.phase().equals(phase) && c.level() == level).findFirst();
    }

    /**
     * @return the phase names of {@code errors} as the cases name them: a phase measured again (gradient
     *         accumulation's micro-batches) is {@code forward#2}, {@code forward#3}, ... per rank
     */
    public static List<String> caseNames(List<LevelError> errors) {
        Map<String, Integer> seen = new HashMap<>();
        Map<String, Level> firstLevel = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (LevelError e : errors) {
            String key = e.rank() + "/" + e.phase();
            Level first = firstLevel.putIfAbsent(key, e.level());
            if (first == null || first == e.level()) {
                seen.merge(key, 1, Integer::sum);
            }
            int nth = seen.get(key);
            out.add(nth == 1 ? e.phase() : e.phase() + "#" + nth);
        }
        return out;
    }
}
