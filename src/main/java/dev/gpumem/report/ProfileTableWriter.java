package dev.gpumem.report;

import dev.gpumem.input.PrintableText;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RunEvent;
import dev.gpumem.units.ByteFormat;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;

/**
 * {@code gpumem measure}: the measured profile as a table, one row a phase (start, end and peaks in GiB without unit,
 * the header line names it), then the run's events other than the sample rate. Phase names and event messages come
 * from the workload and are escaped ({@link PrintableText}).
 */
public final class ProfileTableWriter {
    private ProfileTableWriter() {
    }

    /** @return the table, each line ended by the platform's line separator */
    public static String write(Profile p) {
        StringWriter text = new StringWriter();
        PrintWriter w = new PrintWriter(text);
        DeviceInfo d = p.provenance().device();
        w.printf(Locale.ROOT, "%s on %s (%s), runner %s; sizes in GiB (1024-based)%n",
                d.kind() == DeviceInfo.Kind.CPU ? "CPU twin: resident memory" : "device memory", d.name(),
                d.kind().name().toLowerCase(Locale.ROOT), p.provenance().runner());
        w.printf(Locale.ROOT, "baseline %s%n", ByteFormat.gib(p.baseline().deviceUsed()));
        w.printf(Locale.ROOT, "%-16s %10s %10s %10s %10s %12s %12s %8s%n", "phase", "start", "end", "peak",
                "proc.peak", "alloc.peak", "resv.peak", "samples");
        for (PhaseReading r : p.phases()) {
            String proc = r.peakProcess() == null ? "-" : gib(r.peakProcess())
                    + (r.peakKind() == PhaseReading.PeakKind.ACCOUNTING ? "" : "*");
            w.printf(Locale.ROOT, "%-16s %10s %10s %10s %10s %12s %12s %8d%n", PrintableText.escape(r.phase()),
                    gib(r.start().deviceUsed()), gib(r.end().deviceUsed()), gib(r.peakDevice()) + "*", proc,
                    r.peakAllocated() == null ? "-" : gib(r.peakAllocated()),
                    r.peakReserved() == null ? "-" : gib(r.peakReserved()), r.samples());
        }
        w.printf(Locale.ROOT, "* polled peak: a lower bound (a proc.peak without * is the driver's exact accounting peak). "
                + "Sampled at %.0f Hz.%n", p.sampleRateHz());
        for (RunEvent e : p.events()) {
            if (e.kind() != RunEvent.Kind.SAMPLE_RATE) {
                w.println("event: " + e.kind().name().toLowerCase(Locale.ROOT) + ": " + PrintableText.escape(e.message()));
            }
        }
        w.flush();
        return text.toString();
    }

    /** @return GiB (1024-based) with three decimals, no unit (the table's header names it) */
    static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.3f", bytes / (double) ByteFormat.GIB);
    }
}
