package dev.gpumem.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files so that a reader sees the old content or the new, never a half-written file.
 *
 * <p>The content goes to a temp file beside the target (same folder, so the final step is a rename on one file
 * system), is flushed to the disk, and only then takes the target's name. A new file gets the mode the process's
 * umask gives ({@code 0666 & ~umask}, as a plain {@code open(2)} would); a replaced file keeps the mode it had.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes the content a body streams; a body that throws leaves the old file as it was. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code bytes} to a temp file beside {@code target}, then moves it over {@code target}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * Streams {@code body} into a temp file beside {@code target}, then moves it over {@code target}. If the body
     * or the move fails, the temp file is deleted and {@code target} keeps its old content (and mode).
     */
    public static void write(Path target, Body body) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        try (Staged staged = Staged.write(dir, target.getFileName().toString(), body)) {
            staged.replace(target);
        }
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** How {@link Staged#publishNew} gives a staged file its name without replacing another file. */
    enum Publish {
        /** {@code link(2)} the temp file to the name: atomic, and fails when the name exists */
        HARD_LINK,
        /** create the name exclusively (empty), then rename the temp file over it: for file systems without links */
        RESERVE_AND_RENAME
    }

    /**
     * A complete file under a temp name beside where it will live, flushed to the disk and not yet visible under
     * its real name. {@link #close()} removes the temp name (and nothing that was published).
     */
    public static final class Staged implements AutoCloseable {
        private final Path tmp;
        private Publish publish;
        private Path published;
        private boolean tmpMoved;

        private Staged(Path tmp, Publish publish) {
            this.tmp = tmp;
            this.publish = publish;
        }

        /**
         * Streams {@code body} into a new temp file in {@code dir} named after {@code nameHint}.
         *
         * @throws IOException when the file cannot be created or written (the partial temp file is removed)
         */
        public static Staged write(Path dir, String nameHint, Body body) throws IOException {
            return write(dir, nameHint, body, Publish.HARD_LINK);
        }

        static Staged write(Path dir, String nameHint, Body body, Publish publish) throws IOException {
            Objects.requireNonNull(body, "body");
            Path tmp = createTemp(dir, nameHint);
            Staged staged = new Staged(tmp, publish);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch));
                body.writeTo(out);
                out.flush();
                // on the disk before it takes its name: a crash never leaves an empty file under the real name
                ch.force(true);
            } catch (IOException | RuntimeException e) {
                staged.close();
                throw e;
            }
            return staged;
        }

        /** @return the temp file (for tests and messages) */
        Path tempFile() {
            return tmp;
        }

        /** Moves the staged file over {@code target}, keeping {@code target}'s mode if it exists. */
        void replace(Path target) throws IOException {
            copyMode(target, tmp);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmpMoved = true;
            published = target;
        }

        /**
         * Gives the staged file the name {@code target} if no file has that name yet; never replaces a file.
         *
         * @return false when {@code target} exists already (nothing changed: try another name)
         * @throws IOException when the name cannot be made (then nothing is published)
         */
        public boolean publishNew(Path target) throws IOException {
            if (published != null) {
                throw new IllegalStateException("already published as " + published);
            }
            if (publish == Publish.HARD_LINK) {
                try {
                    Files.createLink(target, tmp);
                    published = target;
                    return true;
                } catch (FileAlreadyExistsException e) {
                    return false;
                } catch (UnsupportedOperationException | FileSystemException e) {
                    // a file system without hard links (vfat, some FUSE): reserve the name, then rename
                    publish = Publish.RESERVE_AND_RENAME;
                }
            }
            try {
                Files.createFile(target);
            } catch (FileAlreadyExistsException e) {
                return false;
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                Files.deleteIfExists(target);
                throw e;
            }
            tmpMoved = true;
            published = target;
            return true;
        }

        /** Takes the published name away again (its partner could not be written); the staged content stays. */
        public void withdraw() throws IOException {
            if (published == null) {
                return;
            }
            if (tmpMoved) {
                Files.move(published, tmp, StandardCopyOption.ATOMIC_MOVE);
                tmpMoved = false;
            } else {
                Files.deleteIfExists(published);
            }
            published = null;
        }

        /** Removes the temp name; a published file stays. */
        @Override
        public void close() throws IOException {
            if (!tmpMoved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** @return a new, empty file {@code .<hint>.<random>.tmp} in {@code dir}, created with the umask's mode */
    private static Path createTemp(Path dir, String nameHint) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve("." + nameHint + "." + Long.toUnsignedString(
                    ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
            try {
                // no file attributes: the OS gives 0666 & ~umask, as for any file a program creates
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                // a run stopped by SIGINT/SIGTERM mid-write leaves no temp file behind (a moved or published
                // temp is gone by then, and deleting a missing path does nothing)
                tmp.toFile().deleteOnExit();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 100) {
                    throw e;
                }
            }
        }
    }

    /** Gives {@code to} the POSIX permissions of {@code from}, when {@code from} exists and the system has them. */
    private static void copyMode(Path from, Path to) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(from, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        try {
            Files.setPosixFilePermissions(to, view.readAttributes().permissions());
        } catch (NoSuchFileException e) {
            // a new file: it keeps the umask's mode
        }
    }
}
