package dev.gpumem.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.compare.Comparison;
import dev.gpumem.compare.ComparisonSummary;
import dev.gpumem.estimate.Level;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The compare tables list a level a profile never measured once, as a note, not as one absent row per phase. */
class ComparisonTablesTest {
    private static long rows(String table, String label, String level) {
        return table.lines().filter(l -> l.startsWith(label) && l.contains(level)).count();
    }

    @Test
    void levelsAbsentInEveryPhaseOfAProfileBecomeOneNote() {
        List<Comparison> cs = ReportWriterTest.comparisons();
        Comparison cpu = cs.get(1);
        assertEquals(Set.of(Level.RESERVED, Level.DEVICE), AbsentLevels.of(cpu).levels());
        String text = ComparisonTextWriter.render(cs, ComparisonSummary.of(cs));
        // its one phase row and its run-wide peak row
        assertEquals(2, rows(text, "cpu.json", "allocated"), text);
        assertEquals(0, rows(text, "cpu.json", "reserved"), text);
        assertTrue(text.contains("note: cpu.json: reserved not measured in any phase"), text);
        assertTrue(text.contains("note: cpu.json: device not measured in any phase"), text);
        String md = ComparisonMarkdownWriter.render(cs, ComparisonSummary.of(cs));
        assertTrue(md.contains("- cpu.json: reserved not measured in any phase"), md);
    }

    @Test
    void aLevelMeasuredInSomePhasesKeepsItsAbsentRows() {
        List<Comparison> cs = ReportWriterTest.comparisons();
        Comparison gpu = cs.get(0);                 // backward has no torch counters, load and forward do
        assertEquals(Set.of(), AbsentLevels.of(gpu).levels());
        String text = ComparisonTextWriter.render(cs, ComparisonSummary.of(cs));
        assertTrue(text.lines().anyMatch(l -> l.contains("gpu <run>.json") && l.contains("backward")
                && l.contains("absent")), text);
    }

    /** a replay on the GPU (counters are the plan's own) and an external run that ran out of memory in forward */
    static List<Comparison> planCheckAndOutOfMemory() {
        dev.gpumem.estimate.Estimate est = dev.gpumem.compare.Fixtures.estimate(
                dev.gpumem.compare.Fixtures.phase(dev.gpumem.estimate.Phase.LOAD, 100 * MIB, 110 * MIB, 600 * MIB),
                dev.gpumem.compare.Fixtures.phase(dev.gpumem.estimate.Phase.FORWARD, 900 * MIB, 950 * MIB,
                        1500 * MIB));
        dev.gpumem.measure.Profile replay = dev.gpumem.compare.Fixtures.profile(dev.gpumem.compare.Fixtures.H100,
                "replay", dev.gpumem.compare.Fixtures.reading(0, 0, null),
                dev.gpumem.compare.Fixtures.measured("load", 0, 10, 700 * MIB, 620 * MIB, 100 * MIB, null));
        dev.gpumem.measure.Profile oom = dev.gpumem.compare.Fixtures.withEvents(dev.gpumem.compare.Fixtures.profile(
                dev.gpumem.compare.Fixtures.H100, "external", dev.gpumem.compare.Fixtures.reading(0, 0, null),
                dev.gpumem.compare.Fixtures.measured("load", 0, 10, 700 * MIB, 550 * MIB, 100 * MIB, 100 * MIB),
                dev.gpumem.compare.Fixtures.measured("forward", 10, 20, 900 * MIB, 800 * MIB, 300 * MIB, 320 * MIB)),
                dev.gpumem.compare.Fixtures.outOfMemory("forward", 512 * MIB));
        return List.of(Comparison.of("replay.json", replay, est), Comparison.of("oom.json", oom, est));
    }

    private static final long MIB = dev.gpumem.compare.Fixtures.MIB;

    @Test
    void replayRowsAreMarkedAsPlanChecksAndTheirStatisticsStandApart() {
        List<Comparison> cs = planCheckAndOutOfMemory();
        String text = ComparisonTextWriter.render(cs, ComparisonSummary.of(cs));
        assertTrue(text.lines().filter(l -> l.startsWith("replay.json") && l.contains("load"))
                .allMatch(l -> l.contains("plan check")), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("replay.json") && l.contains("device")
                && l.contains("plan check: device overhead")), text);
        assertTrue(text.lines().filter(l -> l.startsWith("oom.json")).noneMatch(l -> l.contains("plan check")),
                text);
        assertTrue(text.contains(Cells.PLAN_CHECK_LEGEND), text);
        assertTrue(text.lines().anyMatch(l -> l.startsWith("plan check: device overhead (not an estimate error)")),
                text);
        // estimate errors: only oom.json's load (allocated 0 %, reserved +10 %, device 600/550 = +9.09 %)
        assertTrue(text.lines().anyMatch(l -> l.startsWith("estimate errors, all levels") && l.contains(" 3 ")
                && l.contains("+10.00%")), text);
    }

    @Test
    void theOutOfMemoryPhaseShowsTheEventNotAnError() {
        List<Comparison> cs = planCheckAndOutOfMemory();
        String text = ComparisonTextWriter.render(cs, ComparisonSummary.of(cs));
        List<String> forward = text.lines().filter(l -> l.startsWith("oom.json") && l.contains("forward")).toList();
        assertEquals(3, forward.size(), text);
        assertTrue(forward.stream().allMatch(l -> l.contains("OOM") && l.contains("at the failure")), text);
        assertTrue(forward.stream().noneMatch(l -> l.contains("+200")), "no phantom error: " + text);
        assertTrue(text.contains("OUT OF MEMORY: oom.json: out of memory in phase forward"), text);
        String md = ComparisonMarkdownWriter.render(cs, ComparisonSummary.of(cs));
        assertTrue(md.contains("**OUT OF MEMORY**: oom.json: out of memory in phase forward"), md);
    }
}
