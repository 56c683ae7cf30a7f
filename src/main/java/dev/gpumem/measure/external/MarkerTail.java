package dev.gpumem.measure.external;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows a file another process appends to and hands out complete lines. A trailing line without its newline is
 * held back until {@link #drain(boolean) drain(true)} at the end. The file may not exist yet. Single-threaded.
 */
final class MarkerTail {
    private final Path file;
    private long offset;
    private int lineNumber;
    private final StringBuilder partial = new StringBuilder();

    MarkerTail(Path file) {
        this.file = file;
    }

    /** A line and its 1-based number. */
    record Line(int number, String text) {
    }

    /**
     * @param atEnd true once the writer has ended: a last line without newline is returned too
     * @return the complete lines appended since the previous call
     */
    List<Line> drain(boolean atEnd) throws IOException {
        List<Line> out = new ArrayList<>();
        if (Files.exists(file)) {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                long len = raf.length();
                while (len > offset) {
                    byte[] buf = new byte[(int) Math.min(len - offset, 1 << 20)];
                    raf.seek(offset);
                    raf.readFully(buf);
                    offset += buf.length;
                    partial.append(new String(buf, StandardCharsets.UTF_8));
                }
            }
        }
        int nl;
        while ((nl = partial.indexOf("\n")) >= 0) {
            out.add(new Line(++lineNumber, partial.substring(0, nl)));
            partial.delete(0, nl + 1);
        }
        if (atEnd && partial.length() > 0) {
            out.add(new Line(++lineNumber, partial.toString()));
            partial.setLength(0);
        }
        return out;
    }
}
