package dev.gpumem.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The commit of the source tree the tool runs from, read from {@code .git} under {@code -Dgpumem.home} (set by
 * scripts/gpumem) without running git: the COMMIT file a device bundle carries (scripts/device-bundle.sh), else
 * HEAD, a worktree's {@code gitdir:} pointer, loose refs and packed-refs. "unknown" when neither is there.
 */
final class GitCommit {
    private GitCommit() {
    }

    static String current() {
        String home = System.getProperty("gpumem.home");
        if (home == null) {
            return "unknown";
        }
        try {
            return resolve(Path.of(home)).orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static Optional<String> resolve(Path root) throws IOException {
        Path stamped = root.resolve("COMMIT");
        if (Files.isRegularFile(stamped)) {
            String c = Files.readString(stamped).trim();
            return c.matches("[0-9a-f]{7,40}") ? Optional.of(c) : Optional.empty();
        }
        Path git = root.resolve(".git");
        if (Files.isRegularFile(git)) {
            String pointer = Files.readString(git).trim();
            if (!pointer.startsWith("gitdir:")) {
                return Optional.empty();
            }
            git = root.resolve(pointer.substring("gitdir:".length()).trim());
        }
        if (!Files.isDirectory(git)) {
            return Optional.empty();
        }
        String head = Files.readString(git.resolve("HEAD")).trim();
        if (!head.startsWith("ref:")) {
            return Optional.of(head);
        }
        String ref = head.substring(4).trim();
        Path common = git;
        Path commondir = git.resolve("commondir");
        if (Files.isRegularFile(commondir)) {
            common = git.resolve(Files.readString(commondir).trim()).normalize();
        }
        for (Path dir : new Path[] {git, common}) {
            Path loose = dir.resolve(ref);
            if (Files.isRegularFile(loose)) {
                return Optional.of(Files.readString(loose).trim());
            }
        }
        Path packed = common.resolve("packed-refs");
        if (Files.isRegularFile(packed)) {
            for (String line : Files.readAllLines(packed)) {
                if (line.endsWith(" " + ref)) {
                    return Optional.of(line.substring(0, line.indexOf(' ')));
                }
            }
        }
        return Optional.empty();
    }
}
