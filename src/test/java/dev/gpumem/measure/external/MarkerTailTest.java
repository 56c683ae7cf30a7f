package dev.gpumem.measure.external;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkerTailTest {
    @Test
    void holdsBackAPartialLineUntilTheWriterEnds(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.txt");
        MarkerTail tail = new MarkerTail(f);
        assertEquals(List.of(), tail.drain(false), "a file not yet written is no error");
        Files.writeString(f, "phase=a\nphase=b");
        assertEquals(List.of(new MarkerTail.Line(1, "phase=a")), tail.drain(false));
        Files.writeString(f, " allocated=1\nphase=c", StandardOpenOption.APPEND);
        assertEquals(List.of(new MarkerTail.Line(2, "phase=b allocated=1")), tail.drain(false));
        assertEquals(List.of(new MarkerTail.Line(3, "phase=c")), tail.drain(true));
    }
}
