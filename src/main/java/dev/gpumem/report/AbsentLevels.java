package dev.gpumem.report;

import dev.gpumem.compare.Comparison;
import dev.gpumem.compare.LevelError;
import dev.gpumem.estimate.Level;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The levels a profile measured in no phase at all (a CPU profile has no reserved or device level): the tables say
 * so once per profile instead of one "absent" row per phase. A level measured in some phases keeps its rows.
 *
 * @param levels the levels absent in every phase of the profile
 * @param notes  one sentence per such level, with the profile's reason(s)
 */
record AbsentLevels(Set<Level> levels, List<String> notes) {

    static AbsentLevels of(Comparison c) {
        Map<Level, Set<String>> reasons = new EnumMap<>(Level.class);
        Set<Level> measured = EnumSet.noneOf(Level.class);
        for (LevelError e : c.errors()) {
            if (e.measured().present()) {
                measured.add(e.level());
            } else {
                reasons.computeIfAbsent(e.level(), l -> new LinkedHashSet<>()).add(e.measured().basis());
            }
        }
        Set<Level> absent = EnumSet.noneOf(Level.class);
        List<String> notes = new ArrayList<>();
        for (Map.Entry<Level, Set<String>> r : reasons.entrySet()) {
            if (!measured.contains(r.getKey())) {
                absent.add(r.getKey());
                notes.add(r.getKey().wire() + " not measured in any phase (" + String.join("; ", r.getValue())
                        + "); its rows are left out");
            }
        }
        return new AbsentLevels(absent, notes);
    }

    /** @return whether the row is one of a level absent throughout the profile */
    boolean hides(LevelError e) {
        return levels.contains(e.level());
    }
}
