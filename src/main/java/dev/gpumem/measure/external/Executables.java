package dev.gpumem.measure.external;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/** Finds programs as {@code execvp(3)} would: a name with a slash as it is, any other name along PATH. */
final class Executables {
    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    private Executables() {
    }

    /** @return the first executable file {@code name} along {@code path} (a name with a slash: itself) */
    static Optional<Path> find(String name, String path) {
        try {
            if (name.contains("/")) {
                Path p = Path.of(name);
                return runnable(p) ? Optional.of(p) : Optional.empty();
            }
            for (String dir : (path == null || path.isEmpty() ? DEFAULT_PATH : path).split(File.pathSeparator, -1)) {
                Path p = Path.of(dir.isEmpty() ? "." : dir).resolve(name);
                if (runnable(p)) {
                    return Optional.of(p);
                }
            }
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** @return why {@code name} cannot be started, or empty when it can */
    static Optional<String> whyNotRunnable(String name, String path) {
        if (find(name, path).isPresent()) {
            return Optional.empty();
        }
        return Optional.of(name.contains("/") ? "no such executable file" : "not found on PATH");
    }

    private static boolean runnable(Path p) {
        return Files.isRegularFile(p) && Files.isExecutable(p);
    }
}
