package dev.gpumem.report;

import static dev.gpumem.compare.Fixtures.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.compare.Comparison;
import dev.gpumem.compare.Fixtures;
import dev.gpumem.estimate.Phase;
import dev.gpumem.measure.Profile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {
    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    static List<Comparison> comparisons() {
        Profile gpu = Fixtures.profile(Fixtures.H100, "external", Fixtures.reading(0, 0, null),
                Fixtures.measured("load", 0, 1_000_000_000L, 1600 * MIB, 1500 * MIB, 1000 * MIB, 1024 * MIB),
                Fixtures.measured("forward", 1_000_000_000L, 2_000_000_000L, 4200 * MIB, 4000 * MIB, 3000 * MIB,
                        3300 * MIB),
                Fixtures.measured("backward", 2_000_000_000L, 3_000_000_000L, 5200 * MIB, 5000 * MIB, null, null));
        Comparison a = Comparison.of("gpu <run>.json", gpu, Fixtures.estimate(
                Fixtures.phase(Phase.LOAD, 1000 * MIB, 1024 * MIB, 1530 * MIB),
                Fixtures.phase(Phase.FORWARD, 2900 * MIB, 3200 * MIB, 3800 * MIB),
                Fixtures.phase(Phase.BACKWARD, 3900 * MIB, 4300 * MIB, 5100 * MIB)));
        Profile cpu = Fixtures.profile(Fixtures.CPU, "replay", Fixtures.reading(0, 300 * MIB, 300 * MIB),
                Fixtures.measured("forward", 0, 500_000_000L, 400 * MIB, 400 * MIB, null, null));
        Comparison b = Comparison.of("cpu.json", cpu, Fixtures.estimate(
                Fixtures.phase(Phase.FORWARD, 105 * MIB, 105 * MIB, 105 * MIB)));
        return List.of(a, b);
    }

    @Test
    void pageReferencesOnlyImagesThatExistAndDecode(@TempDir Path dir) throws IOException {
        List<Path> written = new ReportWriter("gpumem test").write(comparisons(), dir);
        assertEquals(dir.resolve("index.html"), written.get(written.size() - 1));
        String html = Files.readString(dir.resolve("index.html"));
        Matcher m = Pattern.compile("<img src=\"([^\"]+)\"").matcher(html);
        Set<String> referenced = new HashSet<>();
        while (m.find()) {
            referenced.add(m.group(1));
        }
        assertEquals(5, referenced.size(), "two per profile plus the scatter: " + referenced);
        for (String src : referenced) {
            assertFalse(src.contains("/") || src.contains(":"), "relative file name expected: " + src);
            BufferedImage img = ImageIO.read(dir.resolve(src).toFile());
            assertNotNull(img, src + " does not decode as an image");
            assertTrue(img.getWidth() > 300 && img.getHeight() > 300, src);
        }
    }

    @Test
    void pageIsSelfContainedAndEscapesLabels(@TempDir Path dir) throws IOException {
        new ReportWriter("gpumem test").write(comparisons(), dir);
        String html = Files.readString(dir.resolve("index.html"));
        assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script"),
                "no external URL or script on the page");
        assertTrue(html.contains("gpu &lt;run&gt;.json"));
        assertFalse(html.contains("<run>"));
        assertTrue(html.contains("absent"), "absent measurements are shown as such");
    }

    @Test
    void leavesNoTemporaryFilesBehind(@TempDir Path dir) throws IOException {
        new ReportWriter("gpumem test").write(comparisons(), dir);
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void stemsOfLabelsThatCollideGetSuffixes() {
        Set<String> taken = new HashSet<>();
        assertEquals("run", ReportWriter.uniqueStem("run.json", taken));
        assertEquals("run-2", ReportWriter.uniqueStem("RUN.json", taken));
        assertEquals("profile", ReportWriter.uniqueStem("###", taken));
    }

    @Test
    void aPageWithAnOutOfMemoryProfileShowsTheEvent(@TempDir Path dir) throws IOException {
        List<Path> written = new ReportWriter("gpumem test").write(ComparisonTablesTest.planCheckAndOutOfMemory(),
                dir);
        String html = Files.readString(dir.resolve("index.html"));
        assertTrue(html.contains("Out of memory: oom.json: out of memory in phase forward"), html);
        assertTrue(html.contains("<td class=\"oom\">OOM</td>"), html);
        for (Path f : written) {
            if (f.toString().endsWith(".png")) {
                assertNotNull(ImageIO.read(f.toFile()), f + " does not decode");
            }
        }
    }
}
