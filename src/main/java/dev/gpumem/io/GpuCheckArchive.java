package dev.gpumem.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * One archive that {@code scripts/gpu-check.sh} left in the folder a GPU machine returned:
 * {@code gpu-check-<stamp>.tar.gz}, or its parts {@code gpu-check-<stamp>.tar.gz.part-00, -01, ...} (joined in
 * order), with the SHA-256 of the whole archive in {@code gpu-check-<stamp>.tar.gz.sha256}.
 *
 * <p>Unpacking is defensive: the checksum must match when it is there, parts must be numbered without a gap, and
 * only regular files and folders inside the archive's own top folder are written (no absolute paths, no
 * {@code ..}, no links or devices), at most {@link #MAX_UNPACKED_BYTES} in all.
 *
 * @param name  {@code gpu-check-<stamp>}, the archive's top folder
 * @param parts the files that make up the archive, in order (one for an unsplit archive)
 * @param sha256 the expected SHA-256 (hex), or null when no checksum file came back
 */
public record GpuCheckArchive(String name, List<Path> parts, String sha256) {
    /** A limit on what one archive may unpack to (a GPU check writes a few MiB). */
    public static final long MAX_UNPACKED_BYTES = 4L << 30;

    private static final Pattern FILE = Pattern.compile("(gpu-check-[0-9]{8}T[0-9]{6}Z)\\.tar\\.gz(?:\\.part-([0-9]{2,}))?");

    public GpuCheckArchive {
        parts = List.copyOf(parts);
    }

    /** A returned folder that cannot be filed: a missing, gapped or corrupt archive. One sentence. */
    public static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;

        public Problem(String message) {
            super(message);
        }
    }

    /** @return every gpu-check archive in {@code dir}, oldest stamp first */
    public static List<GpuCheckArchive> find(Path dir) throws IOException, Problem {
        if (!Files.isDirectory(dir)) {
            throw new Problem(dir + ": not a folder (give the folder the GPU machine returned, e.g. its files_at)");
        }
        Map<String, TreeMap<Integer, Path>> split = new TreeMap<>();
        Map<String, Path> whole = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                Matcher m = FILE.matcher(f.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(f)) {
                    continue;
                }
                if (m.group(2) == null) {
                    whole.put(m.group(1), f);
                } else {
                    split.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(Integer.parseInt(m.group(2)), f);
                }
            }
        }
        List<GpuCheckArchive> found = new ArrayList<>();
        TreeSet<String> names = new TreeSet<>(whole.keySet());
        names.addAll(split.keySet());
        for (String name : names) {
            List<Path> parts;
            if (whole.containsKey(name)) {
                if (split.containsKey(name)) {
                    throw new Problem(dir + ": " + name + " is there whole and in parts; keep one");
                }
                parts = List.of(whole.get(name));
            } else {
                TreeMap<Integer, Path> numbered = split.get(name);
                int expected = 0;
                for (int n : numbered.keySet()) {
                    if (n != expected) {
                        throw new Problem(dir + ": " + name + ".tar.gz.part-" + String.format("%02d", expected)
                                + " is missing (parts " + numbered.keySet() + " came back)");
                    }
                    expected++;
                }
                parts = List.copyOf(numbered.values());
            }
            found.add(new GpuCheckArchive(name, parts, readChecksum(dir.resolve(name + ".tar.gz.sha256"), name)));
        }
        if (found.isEmpty()) {
            throw new Problem(dir + ": no gpu-check-<stamp>.tar.gz (or .tar.gz.part-NN) here; scripts/gpu-check.sh "
                    + "leaves one in its OUT folder");
        }
        return List.copyOf(found);
    }

    private static String readChecksum(Path file, String name) throws IOException, Problem {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        Matcher m = Pattern.compile("([0-9a-f]{64})\\s+\\*?" + Pattern.quote(name) + "\\.tar\\.gz").matcher(text);
        if (!m.matches()) {
            throw new Problem(file + ": not a sha256sum line for " + name + ".tar.gz");
        }
        return m.group(1);
    }

    /**
     * Unpacks the archive under {@code into} (which gets the archive's top folder {@link #name()}), checking the
     * checksum over the joined parts.
     *
     * @return the unpacked top folder
     */
    public Path unpack(Path into) throws IOException, Problem {
        Path top = into.resolve(name).normalize();
        MessageDigest sha = newSha256();
        long written = 0;
        List<InputStream> streams = new ArrayList<>();
        for (Path p : parts) {
            streams.add(Files.newInputStream(p));
        }
        try (DigestInputStream digest = new DigestInputStream(
                new SequenceInputStream(Collections.enumeration(streams)), sha);
             TarArchiveInputStream tar = new TarArchiveInputStream(
                     new GZIPInputStream(new BufferedInputStream(digest, 1 << 16), 1 << 16))) {
            TarArchiveEntry e;
            while ((e = tar.getNextEntry()) != null) {
                Path target = into.resolve(e.getName()).normalize();
                if (e.getName().startsWith("/") || !target.startsWith(top)) {
                    throw new Problem(parts.get(0) + ": entry '" + e.getName() + "' lies outside " + name + "/");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else if (e.isFile()) {
                    Files.createDirectories(target.getParent());
                    try (OutputStream o = Files.newOutputStream(target)) {
                        written += tar.transferTo(o);
                    }
                    if (written > MAX_UNPACKED_BYTES) {
                        throw new Problem(parts.get(0) + ": unpacks to more than " + MAX_UNPACKED_BYTES + " bytes");
                    }
                } else {
                    throw new Problem(parts.get(0) + ": entry '" + e.getName() + "' is not a plain file or folder");
                }
            }
            // the rest of the stream (tar padding, gzip trailer) counts for the checksum too
            digest.transferTo(OutputStream.nullOutputStream());
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new Problem(parts.get(0) + ": not a complete gzip'd tar archive (" + e.getMessage() + ")"
                    + (parts.size() > 1 ? "; are all " + parts.size() + " parts complete?" : ""));
        }
        if (sha256 != null) {
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(sha256)) {
                throw new Problem(parts.get(0) + ": SHA-256 " + actual + " does not match " + name
                        + ".tar.gz.sha256 (" + sha256 + "): a part is corrupt or incomplete");
            }
        }
        if (!Files.isDirectory(top)) {
            throw new Problem(parts.get(0) + ": holds no " + name + "/ folder");
        }
        return top;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
