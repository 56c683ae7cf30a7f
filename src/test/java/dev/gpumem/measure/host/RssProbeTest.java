package dev.gpumem.measure.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.ProbeException;
import dev.gpumem.measure.ProcessTree;
import dev.gpumem.measure.Reading;
import java.util.List;
import org.junit.jupiter.api.Test;

class RssProbeTest {
    @Test
    void residentPagesAreTheSecondStatmField() {
        // statm: size resident shared text lib data dt (proc(5))
        assertEquals(2500, RssProbe.parseStatm("10000 2500 300 10 0 4000 0\n"));
    }

    @Test
    void malformedStatmIsAProbeError() {
        assertThrows(ProbeException.class, () -> RssProbe.parseStatm("garbage"));
    }

    @Test
    void meminfoKilobytesAre1024Bytes() {
        assertEquals(2048L * 1024, HostFacts.parseMeminfo(List.of("MemTotal:        2048 kB",
                "MemAvailable:    1024 kB"), "MemTotal"));
        assertEquals(-1, HostFacts.parseMeminfo(List.of("MemTotal: 1 kB"), "Nope"));
    }

    @Test
    void readsThisProcessAsACpuDevice() {
        RssProbe probe = new RssProbe();
        Reading r = probe.read(5, ProcessTree.self());
        assertEquals(DeviceInfo.Kind.CPU, probe.device().kind());
        assertTrue(r.deviceUsed() > 0);
        assertEquals(r.deviceUsed(), r.processUsed());
        assertEquals(5, r.tNanos());
    }

    @Test
    void anEndedProcessCountsZero() {
        assertEquals(0, new RssProbe().residentBytes(Integer.MAX_VALUE - 7));
    }
}
