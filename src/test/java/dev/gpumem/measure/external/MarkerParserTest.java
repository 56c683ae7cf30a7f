package dev.gpumem.measure.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkerParserTest {

    private static List<MarkerParser.Result> parseFixture(String name) throws IOException {
        try (InputStream in = MarkerParserTest.class.getResourceAsStream(name)) {
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n", -1);
            List<MarkerParser.Result> out = new ArrayList<>();
            for (int i = 0; i < lines.length; i++) {
                out.add(MarkerParser.parse(i + 1, lines[i]));
            }
            return out;
        }
    }

    @Test
    void torchStepMarkersCarryStartsEndsAndCounters() throws IOException {
        List<Marker> markers = parseFixture("markers-torch-step.txt").stream()
                .filter(r -> r instanceof MarkerParser.Result.Ok).map(r -> ((MarkerParser.Result.Ok) r).marker())
                .toList();
        assertEquals(4, markers.size());
        assertEquals(Marker.At.START, markers.get(0).at());
        assertEquals(1764290000.1, markers.get(0).childTime());
        Marker forwardEnd = markers.get(3);
        assertEquals("forward", forwardEnd.phase());
        assertEquals(Marker.At.END, forwardEnd.at());
        assertEquals(3145728L, forwardEnd.counters().allocated());
        assertEquals(4194304L, forwardEnd.counters().reserved());
        assertEquals(3670016L, forwardEnd.counters().peakAllocated());
        assertEquals(5, markers.get(3).lineNumber());
    }

    @Test
    void malformedLinesAreReportedWithTheirReasonNotThrown() throws IOException {
        List<MarkerParser.Result> r = parseFixture("markers-malformed.txt");
        assertInstanceOf(MarkerParser.Result.Ok.class, r.get(0), "a bare phase= is a valid end marker");
        assertNull(((MarkerParser.Result.Ok) r.get(0)).marker().counters().allocated());
        String[] reasons = {"not key=value", "non-negative integer", "non-negative integer", "no phase=",
            "unknown key 'colour'", "not key=value", "accepted: start, end", "seconds since the epoch",
            "given twice"};
        for (int i = 0; i < reasons.length; i++) {
            MarkerParser.Result.Malformed m = assertInstanceOf(MarkerParser.Result.Malformed.class, r.get(i + 1),
                    "line " + (i + 2));
            assertTrue(m.reason().contains(reasons[i]), m.reason());
            assertEquals(i + 2, m.lineNumber());
        }
        assertInstanceOf(MarkerParser.Result.Ok.class, r.get(10), "parsing goes on after bad lines");
        assertInstanceOf(MarkerParser.Result.Blank.class, r.get(11), "the trailing empty line");
    }

    @Test
    void aVeryLongLineIsCutInTheReport() {
        MarkerParser.Result.Malformed m = assertInstanceOf(MarkerParser.Result.Malformed.class,
                MarkerParser.parse(1, "x".repeat(10_000)));
        assertTrue(m.line().length() < 300);
    }

    @Test
    void rankAndPidKeysAreReadAndOldLinesHaveNone() {
        Marker m = ((MarkerParser.Result.Ok) MarkerParser.parse(1, "phase=forward at=start rank=3 pid=4242 t=1.5"))
                .marker();
        assertEquals(3, m.rank());
        assertEquals(4242L, m.pid());
        Marker old = ((MarkerParser.Result.Ok) MarkerParser.parse(2, "phase=forward")).marker();
        assertNull(old.rank());
        assertNull(old.pid());
    }

    @Test
    void aBaselineLineIsABaselineMarkAndTakesNoStart() {
        Marker m = ((MarkerParser.Result.Ok) MarkerParser.parse(1, "phase=baseline t=1.0")).marker();
        assertTrue(m.isBaseline());
        assertTrue(MarkerParser.parse(2, "phase=baseline at=start") instanceof MarkerParser.Result.Malformed);
    }

    @Test
    void aBadRankOrPidIsANoteNotAMarker() {
        for (String bad : List.of("phase=x rank=-1 pid=5", "phase=x rank=one pid=5", "phase=x rank=1 pid=0",
                "phase=x rank=99999999999 pid=5")) {
            assertTrue(MarkerParser.parse(1, bad) instanceof MarkerParser.Result.Malformed, bad);
        }
    }
}
