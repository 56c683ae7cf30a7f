package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @Test
    void aWriteThatFailsHalfwayLeavesTheOldFileAndNoTempFile(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("p.json");
        AtomicFiles.writeString(target, "old");
        assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("new but only half".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(target));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList());
        }
    }

    @Test
    void aSuccessfulWriteReplacesTheFile(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("sub").resolve("p.json");
        AtomicFiles.writeString(target, "old");
        AtomicFiles.writeString(target, "new");
        assertEquals("new", Files.readString(target));
    }
}
