package dev.gpumem.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Facts about this gpumem and this host for a profile's provenance: version, source commit, host name. */
final class ToolInfo {
    private ToolInfo() {
    }

    /** @return gpumem's home: the {@code gpumem.home} property scripts/gpumem sets, else the working directory */
    static Path home() {
        String h = System.getProperty("gpumem.home");
        return Path.of(h != null ? h : System.getProperty("user.dir"));
    }

    /**
     * @return the commit of gpumem's source: {@code git rev-parse HEAD} in its home (with "-dirty" when the work tree
     *         has changes), or the {@code gpumem.commit} property, or what {@link GitCommit} reads without git (a
     *         bundle's COMMIT file), or "unknown"
     */
    static String gitCommit() {
        String fixed = System.getProperty("gpumem.commit");
        if (fixed != null && !fixed.isBlank()) {
            return fixed;
        }
        String head = git("rev-parse", "HEAD");
        if (head == null) {
            // no git binary or no repository: a device bundle's COMMIT file, or .git read directly
            return GitCommit.current();
        }
        String status = git("status", "--porcelain", "--untracked-files=no");
        return status != null && !status.isEmpty() ? head + "-dirty" : head;
    }

    private static String git(String... args) {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "git";
        cmd[1] = "-C";
        cmd[2] = home().toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            return new String(out, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** @return the host name from the kernel (no network lookup), or "unknown" */
    static String host() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env != null ? env : "unknown";
        }
    }
}
