package dev.gpumem.compare;

import static dev.gpumem.compare.Fixtures.MIB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.GpuSpec;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CalibratorTest {
    private static final long CONTEXT = 517 * MIB;
    private static final long WORKSPACE = 9 * MIB;
    private final Calibrator calibrator = new Calibrator("0.1.0", "abc1234");

    /**
     * A profile generated from known constants: the estimate has allocated A = R/2 and reserved R; the framework
     * measured allocated A and reserved A + slack·(R − A); NVML measured device = measured reserved + context
     * (+ workspace once kernels have run).
     */
    private static Comparison synthetic(String label, DeviceInfo device, long scale, double slack,
                                        boolean withReserved) {
        Phase[] phases = {Phase.LOAD, Phase.FORWARD, Phase.BACKWARD, Phase.OPTIMIZER_STEP};
        long[] estReserved = {1000 * MIB, 3000 * MIB, 4000 * MIB, 5000 * MIB};
        List<PhaseEstimate> est = new ArrayList<>();
        List<PhaseReading> meas = new ArrayList<>();
        for (int i = 0; i < phases.length; i++) {
            long r = estReserved[i] * scale;
            long measuredReserved = r / 2 + Math.round(slack * (r - r / 2));
            long dev = measuredReserved + CONTEXT + (phases[i] == Phase.LOAD ? 0 : WORKSPACE);
            est.add(Fixtures.phase(phases[i], r / 2, r, r + 100 * MIB));
            meas.add(Fixtures.measured(phases[i].wire(), i * 10L, i * 10L + 10, dev + 7 * MIB, dev,
                    withReserved ? Long.valueOf(r / 2) : null, withReserved ? measuredReserved : null));
        }
        Profile p = Fixtures.profile(device, "external", Fixtures.reading(0, 7 * MIB, null),
                meas.toArray(PhaseReading[]::new));
        Estimate e = Fixtures.estimate(est.toArray(PhaseEstimate[]::new));
        return Comparison.of(label, p, e);
    }

    @Test
    void recoversContextWorkspaceAndSlackFromSyntheticProfiles() {
        DeviceCalibration cal = calibrator.fit(List.of(synthetic("a.json", Fixtures.H100, 1, 1.25, true),
                synthetic("b.json", Fixtures.H100, 3, 1.25, true)));
        assertEquals(CONTEXT, cal.contextBytes());
        assertEquals(WORKSPACE, cal.workspaceBytes());
        assertEquals(1.25, cal.allocatorSlackFactor(), 1e-9);
        assertEquals(GpuSpec.GpuArch.HOPPER, cal.arch());
        assertEquals("nvidia-h100-80gb-hbm3", cal.gpuSlug());
        assertEquals(List.of("a.json", "b.json"), cal.sourceProfiles());
        assertEquals(8, cal.residuals().size());
        for (DeviceCalibration.Residual r : cal.residuals()) {
            assertTrue(Math.abs(r.residualBytes()) <= 1, r.toString());
        }
    }

    @Test
    void withoutFrameworkCountersSlackFactorStaysOneAndSaidSo() {
        DeviceCalibration cal = calibrator.fit(List.of(synthetic("a.json", Fixtures.H100, 1, 1.0, false)));
        assertEquals(1.0, cal.allocatorSlackFactor());
        assertEquals(CONTEXT, cal.contextBytes());
        assertEquals(WORKSPACE, cal.workspaceBytes());
        assertTrue(cal.notes().stream().anyMatch(n -> n.contains("slack not identifiable")));
    }

    @Test
    void aSlackFactorNoAllocatorCouldHaveIsBadInputNamingTheProfiles() {
        // reserved − allocated measured 150x the modelled gap: valid numbers, not one caching allocator's
        var e = assertThrows(dev.gpumem.input.BadInputException.class,
                () -> calibrator.fit(List.of(synthetic("odd.json", Fixtures.H100, 1, 150, true))));
        assertTrue(e.getMessage().contains("150.0, outside [0, 100)"), e.getMessage());
        assertTrue(e.getMessage().contains("odd.json"), e.getMessage());
    }

    @Test
    void slackFactorBelowOneIsKeptAtOneWithANote() {
        DeviceCalibration cal = calibrator.fit(List.of(synthetic("a.json", Fixtures.H100, 1, 0.5, true)));
        assertEquals(1.0, cal.allocatorSlackFactor());
        assertTrue(cal.notes().stream().anyMatch(n -> n.contains("0.500 < 1")), cal.notes().toString());
        // context and workspace come from the measured reserved, so they are still exact
        assertEquals(CONTEXT, cal.contextBytes());
        assertEquals(WORKSPACE, cal.workspaceBytes());
    }

    @Test
    void oneMissedPeakDoesNotMoveTheMedianFit() {
        Comparison good1 = synthetic("a.json", Fixtures.H100, 1, 1.0, true);
        Comparison good2 = synthetic("b.json", Fixtures.H100, 2, 1.0, true);
        // c: the poller missed the forward peak by 2 GiB
        Comparison base = synthetic("c.json", Fixtures.H100, 3, 1.0, true);
        List<PhaseReading> phases = new ArrayList<>(base.profile().phases());
        PhaseReading f = phases.get(1);
        phases.set(1, Fixtures.measured(f.phase(), 10, 20, f.peakDevice() - 2048 * MIB,
                f.peakProcess() - 2048 * MIB, f.peakAllocated(), f.peakReserved()));
        Profile p = Fixtures.profile(Fixtures.H100, "external", base.profile().baseline(),
                phases.toArray(PhaseReading[]::new));
        DeviceCalibration cal = calibrator.fit(List.of(good1, good2, Comparison.of("c.json", p, base.estimate())));
        assertEquals(CONTEXT, cal.contextBytes());
        assertEquals(WORKSPACE, cal.workspaceBytes());
    }

    @Test
    void refusesCpuProfiles() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> calibrator.fit(List.of(synthetic("cpu.json", Fixtures.CPU, 1, 0, true))));
        assertTrue(e.getMessage().contains("cpu.json") && e.getMessage().contains("CPU"), e.getMessage());
    }

    @Test
    void refusesStubProfiles() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> calibrator.fit(List.of(synthetic("stub.json", Fixtures.STUB, 1, 0, true))));
        assertTrue(e.getMessage().contains("STUB"), e.getMessage());
    }

    @Test
    void refusesMixedGpuModels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> calibrator.fit(List.of(synthetic("h.json", Fixtures.H100, 1, 0, true),
                        synthetic("a.json", Fixtures.gpu("NVIDIA A100-SXM4-40GB"), 1, 0, true))));
        assertTrue(e.getMessage().contains("different GPU models"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @Test
    void refusesProfilesWithNoDeviceLevelMeasurement() {
        Profile p = Fixtures.profile(Fixtures.H100, "replay", Fixtures.reading(0, 600 * MIB, null),
                Fixtures.measured("forward", 0, 10, 900 * MIB, null, null, null));
        Comparison c = Comparison.of("r.json", p, Fixtures.estimate(Fixtures.phase(Phase.FORWARD, 1, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> calibrator.fit(List.of(c)));
    }

    @Test
    void calibratedDeviceRescalesTheGapThenAddsContextAndWorkspace() {
        DeviceCalibration cal = new DeviceCalibration("NVIDIA H100 80GB HBM3", "nvidia-h100-80gb-hbm3",
                GpuSpec.GpuArch.HOPPER, 500, 10, 1.5, Calibrator.METHOD, List.of(), List.of(), null, "0.1.0", "x",
                List.of());
        // allocated 800, reserved 1000: 800 + 1.5·200 = 1100; + 500 context = 1600; with kernels + 10 = 1610
        assertEquals(1100, cal.reserved(800, 1000));
        assertEquals(1600, cal.device(800, 1000, false));
        assertEquals(1610, cal.device(800, 1000, true));
    }

    /**
     * A replay-cca profile on the same card: its counters are the plan's own (allocated A, reserved R exactly as
     * estimated, a slack ratio of 1 by construction) and, running no kernel, its device is R + context in every
     * phase. Used as a torch run would be, it would pull the slack factor of the real run (1.25) to the median of
     * 1.25 and 1, and the workspace towards 0; used for what it measures, it only confirms the context.
     */
    private static Comparison replayCca(String label, long scale) {
        Phase[] phases = {Phase.LOAD, Phase.FORWARD, Phase.BACKWARD, Phase.OPTIMIZER_STEP};
        long[] estReserved = {1000 * MIB, 3000 * MIB, 4000 * MIB, 5000 * MIB};
        List<PhaseEstimate> est = new ArrayList<>();
        List<PhaseReading> meas = new ArrayList<>();
        for (int i = 0; i < phases.length; i++) {
            long r = estReserved[i] * scale;
            est.add(Fixtures.phase(phases[i], r / 2, r, r + 100 * MIB));
            meas.add(Fixtures.measured(phases[i].wire(), i * 10L, i * 10L + 10, r + CONTEXT + 7 * MIB, r + CONTEXT,
                    r / 2, r));
        }
        Profile p = Fixtures.profile(Fixtures.H100, "replay-cca", Fixtures.reading(0, 7 * MIB, null),
                meas.toArray(PhaseReading[]::new));
        return Comparison.of(label, p, Fixtures.estimate(est.toArray(PhaseEstimate[]::new)));
    }

    @Test
    void aReplayInformsTheContextButNeitherTheSlackFactorNorTheWorkspace() {
        DeviceCalibration cal = calibrator.fit(List.of(synthetic("torch.json", Fixtures.H100, 1, 1.25, true),
                replayCca("replay-a.json", 2), replayCca("replay-b.json", 3)));
        assertEquals(1.25, cal.allocatorSlackFactor(), 1e-9, "the replay's counters are the plan's, not torch's");
        assertEquals(CONTEXT, cal.contextBytes());
        assertEquals(WORKSPACE, cal.workspaceBytes(), "a replay runs no kernel: no workspace point");
        for (DeviceCalibration.Residual r : cal.residuals()) {
            assertTrue(Math.abs(r.residualBytes()) <= 1, r.toString());
        }
        assertTrue(cal.notes().stream().anyMatch(n -> n.startsWith("replay profiles used for the context only")),
                cal.notes().toString());
    }

    @Test
    void aPlainReplaysDeviceIsCountedFromThePlansOwnAllocations() {
        // plain replay: no reserved counter; the device holds context + one cudaMalloc per live tensor (A)
        Profile p = Fixtures.profile(Fixtures.H100, "replay", Fixtures.reading(0, 7 * MIB, null),
                Fixtures.measured("load", 0, 10, 1600 * MIB, 500 * MIB + CONTEXT, 500 * MIB, null),
                Fixtures.measured("forward", 10, 20, 2600 * MIB, 1500 * MIB + CONTEXT, 1500 * MIB, null));
        Comparison c = Comparison.of("plain.json", p, Fixtures.estimate(
                Fixtures.phase(Phase.LOAD, 500 * MIB, 1000 * MIB, 2000 * MIB),
                Fixtures.phase(Phase.FORWARD, 1500 * MIB, 3000 * MIB, 4000 * MIB)));
        DeviceCalibration cal = calibrator.fit(List.of(c));
        // against the estimate's reserved (1000, 3000) the context would come out as 17 or −983 MiB
        assertEquals(CONTEXT, cal.contextBytes());
        assertEquals(0, cal.workspaceBytes());
    }
}
