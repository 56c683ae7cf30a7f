package dev.gpumem.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Test archives in the layout scripts/gpu-check.sh leaves: built here with commons-compress, not with the script. */
final class GpuCheckArchives {
    private GpuCheckArchives() {
    }

    /** @return the gzip'd tar of {@code entries} (path inside the archive → content) */
    static byte[] tarGz(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                tar.putArchiveEntry(entry);
                tar.write(e.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** Writes {@code archive} into {@code dir} as {@code name}.tar.gz, or in {@code parts} parts, with its .sha256. */
    static List<Path> write(Path dir, String name, byte[] archive, int parts) throws Exception {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        if (parts <= 1) {
            written.add(Files.write(dir.resolve(name + ".tar.gz"), archive));
        } else {
            int size = (archive.length + parts - 1) / parts;
            for (int i = 0; i < parts; i++) {
                byte[] part = Arrays.copyOfRange(archive, Math.min(i * size, archive.length),
                        Math.min((i + 1) * size, archive.length));
                written.add(Files.write(dir.resolve(String.format("%s.tar.gz.part-%02d", name, i)), part));
            }
        }
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive));
        Files.writeString(dir.resolve(name + ".tar.gz.sha256"), sha + "  " + name + ".tar.gz\n",
                StandardCharsets.US_ASCII);
        return written;
    }
}
