package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
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

    /** @return this JVM's umask, as a child shell (which inherits it) prints it */
    private static int umask() throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "umask").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        p.waitFor();
        return Integer.parseInt(out, 8);
    }

    private static Set<PosixFilePermission> mode(int bits) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
            PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((bits & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }

    @Test
    void aNewFileGetsTheModeTheUmaskGivesNot0600(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("new.json");
        AtomicFiles.writeString(target, "x");
        // what open(2) with 0666 gives under the umask: 0644 under the usual 022
        assertEquals(mode(0666 & ~umask()), Files.getPosixFilePermissions(target),
                PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
    }

    @Test
    void aReplacedFileKeepsItsMode(@TempDir Path dir) throws Exception {
        for (String perms : new String[] {"rw-r-----", "rwxr-xr-x", "rw-------"}) {
            Path target = dir.resolve("kept-" + perms + ".sh");
            Files.writeString(target, "old");
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(perms));
            AtomicFiles.writeString(target, "new");
            assertEquals("new", Files.readString(target));
            assertEquals(perms, PosixFilePermissions.toString(Files.getPosixFilePermissions(target)));
        }
    }

    @Test
    void aStagedFileIsPublishedOnlyUnderAFreeNameAndCanBeWithdrawn(@TempDir Path dir) throws Exception {
        for (AtomicFiles.Publish how : AtomicFiles.Publish.values()) {
            Path sub = Files.createDirectory(dir.resolve(how.name()));
            Path taken = sub.resolve("taken.json");
            Files.writeString(taken, "someone else's");
            try (AtomicFiles.Staged staged = AtomicFiles.Staged.write(sub, "p.json",
                    out -> out.write("mine".getBytes(StandardCharsets.UTF_8)), how)) {
                assertFalse(staged.publishNew(taken), how + ": a taken name is never replaced");
                assertEquals("someone else's", Files.readString(taken));
                Path free = sub.resolve("free.json");
                assertTrue(staged.publishNew(free));
                assertEquals("mine", Files.readString(free));
                staged.withdraw();
                assertFalse(Files.exists(free), how + ": withdrawn");
                Path again = sub.resolve("again.json");
                assertTrue(staged.publishNew(again), how + ": the content can be published under another name");
                assertEquals("mine", Files.readString(again));
            }
            try (var files = Files.list(sub)) {
                assertEquals(Set.of("taken.json", "again.json"),
                        files.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet()),
                        how + ": no temp file is left");
            }
        }
    }
}
