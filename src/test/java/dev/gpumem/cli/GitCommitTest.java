package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitCommitTest {
    static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void followsHeadToALooseRef(@TempDir Path root) throws IOException {
        Path git = Files.createDirectories(root.resolve(".git/refs/heads"));
        Files.writeString(root.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        Files.writeString(git.resolve("main"), SHA + "\n");
        assertEquals(Optional.of(SHA), GitCommit.resolve(root));
    }

    @Test
    void followsAWorktreePointerAndPackedRefs(@TempDir Path root) throws IOException {
        Path common = Files.createDirectories(root.resolve("main/.git"));
        Path wt = Files.createDirectories(common.resolve("worktrees/report"));
        Files.writeString(wt.resolve("HEAD"), "ref: refs/heads/report\n");
        Files.writeString(wt.resolve("commondir"), "../..\n");
        Files.writeString(common.resolve("packed-refs"), "# pack-refs\n" + SHA + " refs/heads/report\n");
        Path checkout = Files.createDirectories(root.resolve("wt"));
        Files.writeString(checkout.resolve(".git"), "gitdir: " + wt + "\n");
        assertEquals(Optional.of(SHA), GitCommit.resolve(checkout));
    }

    @Test
    void aDeviceBundleCarriesItsCommitInAFile(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("COMMIT"), SHA + "\n");
        assertEquals(Optional.of(SHA), GitCommit.resolve(root));
        Files.writeString(root.resolve("COMMIT"), "unknown\n");
        assertTrue(GitCommit.resolve(root).isEmpty());
    }

    @Test
    void noCheckoutIsEmpty(@TempDir Path root) throws IOException {
        assertTrue(GitCommit.resolve(root).isEmpty());
    }
}
