package dev.gpumem.io;

import dev.gpumem.input.BadInputException;
import dev.gpumem.measure.Sample;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The sampler's readings as CSV: {@code t_ns,phase,device_used,process_used} (bytes; -1 = no per-process figure). */
public final class SamplesCsv {
    static final String HEADER = "t_ns,phase,device_used,process_used";

    private SamplesCsv() {
    }

    /** Streams the CSV (for large sample counts). */
    public static void write(List<Sample> samples, OutputStream out) throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        w.write(HEADER);
        w.write('\n');
        for (Sample s : samples) {
            w.write(s.tNanos() + "," + s.phase() + "," + s.deviceUsed() + "," + s.processUsed() + "\n");
        }
        w.flush();
    }

    public static String toCsv(List<Sample> samples) {
        StringBuilder sb = new StringBuilder(samples.size() * 40 + 64).append(HEADER).append('\n');
        for (Sample s : samples) {
            sb.append(s.tNanos()).append(',').append(s.phase()).append(',').append(s.deviceUsed()).append(',')
                    .append(s.processUsed()).append('\n');
        }
        return sb.toString();
    }

    /** @throws BadInputException naming the line that is wrong */
    public static List<Sample> fromCsv(String csv) {
        return fromCsv("samples CSV", csv);
    }

    /**
     * Reads the CSV, every number checked: {@code t_ns} and {@code device_used} non-negative integers,
     * {@code process_used} a non-negative integer or -1 (no per-process figure).
     *
     * @param origin the file, first in every message
     * @throws BadInputException "{@code <origin> line N: <column>: <what is wrong>}"
     */
    public static List<Sample> fromCsv(String origin, String csv) {
        String[] lines = csv.split("\n");
        if (lines.length == 0 || !lines[0].strip().equals(HEADER)) {
            throw new BadInputException(origin + ": the first line must be '" + HEADER + "'");
        }
        List<Sample> out = new ArrayList<>(lines.length);
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = origin + " line " + (i + 1);
            String[] f = line.split(",", -1);
            if (f.length != 4) {
                throw new BadInputException(where + ": expected " + HEADER + ", got '" + cut(line) + "'");
            }
            out.add(new Sample(integer(where, "t_ns", f[0], 0), f[1], integer(where, "device_used", f[2], 0),
                    integer(where, "process_used", f[3], -1)));
        }
        return out;
    }

    private static long integer(String where, String column, String text, long min) {
        long v;
        try {
            v = Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw new BadInputException(where + ": " + column + ": '" + cut(text) + "' is not an integer"
                    + (min < 0 ? " (bytes, or -1 for none)" : " (>= 0)") + " within the 64-bit range");
        }
        if (v < min) {
            throw new BadInputException(where + ": " + column + ": " + v + " is negative; must be >= " + min);
        }
        return v;
    }

    private static String cut(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
