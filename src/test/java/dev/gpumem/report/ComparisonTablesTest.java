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
}
