package dev.gpumem.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gpumem.compare.Fixtures;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.RunEvent;
import dev.gpumem.units.ByteFormat;
import org.junit.jupiter.api.Test;

class ProfileTableWriterTest {
    private static final long GIB = ByteFormat.GIB;

    @Test
    void onePhaseARowInGibWithPolledPeaksStarredAndAbsentCountersDashed() {
        PhaseReading load = Fixtures.measured("load", 0, 1, 2 * GIB, null, null, null);
        PhaseReading step = new PhaseReading("step", Fixtures.reading(1, GIB, GIB), Fixtures.reading(2, 3 * GIB, GIB),
                3 * GIB + GIB / 2, 3 * GIB, PhaseReading.PeakKind.ACCOUNTING, GIB / 4, GIB / 2, 7);
        Profile p = Fixtures.withEvents(Fixtures.profile(Fixtures.H100, "djl", Fixtures.reading(0, GIB / 2, null),
                load, step), new RunEvent(RunEvent.Kind.SAMPLE_RATE, null, "sampled at 1000 Hz", null),
                new RunEvent(RunEvent.Kind.NOTE, "step", "a\u0007bell", null));
        String nl = System.lineSeparator();
        // 2 GiB -> "2.000"; 3.5 GiB -> "3.500"; GiB/4 -> "0.250"; the sample-rate event is the header's "1000 Hz"
        String expected = "device memory on NVIDIA H100 80GB HBM3 (gpu), runner djl; sizes in GiB (1024-based)" + nl
                + "baseline 0.50 GiB" + nl
                + String.format("%-16s %10s %10s %10s %10s %12s %12s %8s", "phase", "start", "end", "peak",
                        "proc.peak", "alloc.peak", "resv.peak", "samples") + nl
                + String.format("%-16s %10s %10s %10s %10s %12s %12s %8d", "load", "2.000", "2.000", "2.000*", "-",
                        "-", "-", 2) + nl
                + String.format("%-16s %10s %10s %10s %10s %12s %12s %8d", "step", "1.000", "3.000", "3.500*",
                        "3.000", "0.250", "0.500", 7) + nl
                + "* polled peak: a lower bound (a proc.peak without * is the driver's exact accounting peak)."
                + " Sampled at 1000 Hz." + nl
                + "event: note: a\\x07bell" + nl;
        assertEquals(expected, ProfileTableWriter.write(p));
    }
}
