package dev.gpumem.io;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted on a folder for one test, to make a full or read-only disk for real. Needs root (and the
 * right to mount); otherwise the test is skipped with the reason.
 */
public final class SmallTmpfs implements AutoCloseable {
    /** tmpfs hands out whole pages */
    public static final int PAGE = 4096;
    private final Path dir;

    private SmallTmpfs(Path dir) {
        this.dir = dir;
    }

    /** @return true when this JVM runs as root */
    public static boolean root() {
        try {
            Process p = new ProcessBuilder("id", "-u").start();
            String uid = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            return uid.equals("0");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Mounts a tmpfs of {@code options} (e.g. {@code size=64k} or {@code ro,size=64k}) on {@code dir} (created).
     * Skips the test, with the reason, when not root or when the mount is refused.
     */
    public static SmallTmpfs mount(Path dir, String options) throws IOException, InterruptedException {
        assumeTrue(root(), "needs root to mount a tmpfs (a real full / read-only disk); not root here");
        Files.createDirectories(dir);
        Process p = new ProcessBuilder(List.of("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mount -t tmpfs refused: " + out);
        return new SmallTmpfs(dir);
    }

    public Path dir() {
        return dir;
    }

    /**
     * Fills the file system with {@code filler} until it is full, then gives back {@code freePages} pages.
     *
     * @return the filler file
     */
    public Path fillLeaving(int freePages) throws IOException {
        Path filler = dir.resolve("filler");
        byte[] page = new byte[PAGE];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(page);
                out.flush();
                written += PAGE;
            }
        } catch (IOException full) {
            // ENOSPC: the disk is full
        }
        try (FileChannel ch = FileChannel.open(filler, StandardOpenOption.WRITE)) {
            ch.truncate(Math.max(0, written - (long) freePages * PAGE));
        }
        return filler;
    }

    @Override
    public void close() throws IOException {
        Process p = new ProcessBuilder(List.of("umount", dir.toString())).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
