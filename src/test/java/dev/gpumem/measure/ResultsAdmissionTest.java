package dev.gpumem.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.compare.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultsAdmissionTest {
    private static Profile on(DeviceInfo device, String commit) {
        Profile p = Fixtures.profile(device, "replay", Fixtures.reading(0, 0, 0L),
                Fixtures.measured("load", 1, 2, 100, 90L, null, null));
        Provenance v = p.provenance();
        return new Profile(p.schemaVersion(), new Provenance(v.toolVersion(), commit, v.host(), v.startedAt(),
                v.runner(), v.device(), v.javaVersion()), p.request(), p.command(), p.baseline(), p.phases(),
                p.samples(), p.sampleRateHz(), p.events());
    }

    @Test
    void aRealGpuProfileWithItsProvenanceIsAdmitted() {
        assertEquals(List.of(), ResultsAdmission.refusals(on(Fixtures.H100, "abc1234")));
    }

    @Test
    void cpuTwinAndStubProfilesAreRefused() {
        assertTrue(ResultsAdmission.refusals(on(Fixtures.CPU, "abc1234")).get(0).startsWith("a CPU-twin profile"));
        assertTrue(ResultsAdmission.refusals(on(Fixtures.STUB, "abc1234")).get(0).contains("stub drivers"));
    }

    @Test
    void aGpuDressedAsTheStubIsRefusedEvenWhenItsKindSaysGpu() {
        DeviceInfo dressed = new DeviceInfo(DeviceInfo.Kind.GPU, "GPUMEM STUB NVIDIA H100 80GB HBM3", "GPU-1",
                1L << 36, "580.00-stub", "13.0", "13.0", "13.580.00-stub");
        List<String> why = ResultsAdmission.refusals(on(dressed, "abc1234"));
        assertTrue(why.stream().anyMatch(w -> w.contains("named as a stub")), why.toString());
        assertTrue(why.stream().anyMatch(w -> w.contains("stub driver version")), why.toString());
    }

    @Test
    void everyHoleInTheProvenanceIsNamed() {
        DeviceInfo bare = new DeviceInfo(DeviceInfo.Kind.GPU, "NVIDIA H200", null, 1L << 37, null, "", null, null);
        List<String> why = ResultsAdmission.refusals(on(bare, "unknown"));
        assertEquals(List.of("no GPU UUID", "no driver version", "no CUDA driver version", "no NVML version",
                "no source commit of the tool"), why);
    }
}
