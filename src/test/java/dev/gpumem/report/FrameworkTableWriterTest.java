package dev.gpumem.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Framework;
import dev.gpumem.estimate.Framework.Semantic;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FrameworkTableWriterTest {
    @Test
    void docsCarryTheTableAsTheEnumDeclaresIt() throws Exception {
        String docs = Files.readString(Path.of("docs/frameworks.md"));
        assertTrue(docs.contains(FrameworkTableWriter.write()),
                "docs/frameworks.md is out of date: paste the output of gpumem frameworks under 'The table'");
    }

    @Test
    void everyFrameworkNamesASourceForEverySemantic() {
        for (Framework f : Framework.values()) {
            for (Semantic s : Semantic.values()) {
                String src = f.defaultOf(s).source();
                assertTrue(src != null && !src.isBlank(), f.wire() + " " + s.wire());
            }
        }
    }

    @Test
    void theTableHasARowPerFrameworkAndAColumnPerSemantic() {
        String t = FrameworkTableWriter.write();
        for (Framework f : Framework.values()) {
            assertTrue(t.contains("\n| " + f.wire() + " |"), f.wire());
        }
        for (Semantic s : Semantic.values()) {
            assertTrue(t.contains(" " + s.wire() + " |"), s.wire());
        }
    }
}
