package dev.gpumem.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplerTest {
    @Test
    void mergingPairsHalvesTheTimelineButKeepsThePeak() {
        List<Sample> list = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            list.add(new Sample(i, "p", i == 5 ? 1_000 : i, -1));
        }
        Sampler.mergePairs(list);
        assertEquals(5, list.size());
        assertEquals(1_000, list.stream().mapToLong(Sample::deviceUsed).max().orElseThrow());
        assertEquals(5, list.get(2).tNanos(), "the merged sample keeps the time of the higher one");
    }

    @Test
    void aFullBufferIsCompactedNotOverflowed() throws Exception {
        FakeProbe probe = new FakeProbe();
        probe.used.set(7);
        Sampler s = new Sampler(probe, new PhaseClock(), ProcessTree.self(), 5_000, 8);
        s.start();
        Thread.sleep(30);
        Sampler.Result r = s.stop();
        assertEquals(true, r.samples().size() < 8);
        assertEquals(true, r.reads() > 0);
    }

    @Test
    void aNonPositiveRateIsRefusedNamingTheOption() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Sampler(new FakeProbe(), new PhaseClock(), ProcessTree.self(), 0));
        assertEquals(true, e.getMessage().startsWith("sample-hz"));
    }
}
