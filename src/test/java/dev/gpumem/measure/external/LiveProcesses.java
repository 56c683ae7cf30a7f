package dev.gpumem.measure.external;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What /proc says, read independently of the code under test: whether a pid is a live (not zombie) process, and
 * which live processes carry an environment entry.
 */
public final class LiveProcesses {
    private LiveProcesses() {
    }

    /** @return true when {@code pid} exists and is not a zombie */
    public static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** @return waits up to {@code millis} for {@code pid} to be gone; true when it is */
    public static boolean goneWithin(long pid, long millis) throws InterruptedException {
        long until = System.currentTimeMillis() + millis;
        while (alive(pid)) {
            if (System.currentTimeMillis() > until) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** @return live processes whose environment holds exactly {@code name=value} */
    public static List<Long> carrying(String name, String value) throws IOException {
        String entry = name + "=" + value;
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"),
                p -> p.getFileName().toString().matches("[0-9]+"))) {
            for (Path d : dirs) {
                long pid = Long.parseLong(d.getFileName().toString());
                byte[] env;
                try {
                    env = Files.readAllBytes(d.resolve("environ"));
                } catch (IOException e) {
                    continue;
                }
                for (String e : new String(env, StandardCharsets.UTF_8).split("\0")) {
                    if (e.equals(entry) && alive(pid)) {
                        out.add(pid);
                    }
                }
            }
        }
        return out;
    }
}
