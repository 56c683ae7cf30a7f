package dev.gpumem.io;

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

    /** @throws IllegalArgumentException naming the line that is wrong */
    public static List<Sample> fromCsv(String csv) {
        String[] lines = csv.split("\n");
        if (lines.length == 0 || !lines[0].strip().equals(HEADER)) {
            throw new IllegalArgumentException("samples CSV: the first line must be '" + HEADER + "'");
        }
        List<Sample> out = new ArrayList<>(lines.length);
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",");
            try {
                out.add(new Sample(Long.parseLong(f[0]), f[1], Long.parseLong(f[2]), Long.parseLong(f[3])));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("samples CSV line " + (i + 1) + ": expected " + HEADER
                        + ", got '" + line + "'");
            }
        }
        return out;
    }
}
