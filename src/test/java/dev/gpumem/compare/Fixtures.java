package dev.gpumem.compare;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.Term;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.Provenance;
import dev.gpumem.measure.Reading;
import dev.gpumem.measure.RunEvent;
import dev.gpumem.measure.Sample;
import dev.gpumem.units.ByteFormat;
import java.util.ArrayList;
import java.util.List;

/** Hand-made profiles and estimates with known numbers, for tests of compare, calibrate and report. */
public final class Fixtures {
    public static final long MIB = ByteFormat.MIB;
    public static final RunConfig REQUEST = RunConfig.training("validation/models/llama-3.2-3b.json",
            RunConfig.Precision.BF16, RunConfig.Optimizer.ADAMW, 1, 512);

    private Fixtures() {
    }

    public static DeviceInfo gpu(String name) {
        return new DeviceInfo(DeviceInfo.Kind.GPU, name, "GPU-0000", 80L * 1024 * MIB, "580.65.06", "13.0", "13.0",
                "13.580.65.06");
    }

    public static final DeviceInfo H100 = gpu("NVIDIA H100 80GB HBM3");
    public static final DeviceInfo CPU = new DeviceInfo(DeviceInfo.Kind.CPU, "Intel Xeon", null, 16L * 1024 * MIB,
            null, null, null, null);
    public static final DeviceInfo STUB = new DeviceInfo(DeviceInfo.Kind.STUB, "Stub GPU", "GPU-stub",
            8L * 1024 * MIB, "0.0", "13.0", "13.0", "0.0");

    /** A phase estimate whose allocated level is one weights term. */
    public static PhaseEstimate phase(Phase phase, long allocated, long reserved, long device) {
        return new PhaseEstimate(phase, allocated, reserved, device, List.of(new Term("weights", Component.WEIGHTS,
                Source.INVENTORY, "N·2 B", "test", allocated)));
    }

    public static Estimate estimate(PhaseEstimate... phases) {
        return new Estimate(REQUEST, 1_000_000, 1_000_000, List.of(phases), null, null, List.of());
    }

    public static Reading reading(long t, long deviceUsed, Long processUsed) {
        return new Reading(t, deviceUsed, null, null, processUsed, null, null);
    }

    /** A measured phase: given per-process peak (may be null), device-wide peak, and torch counters (may be null). */
    public static PhaseReading measured(String phase, long t0, long t1, long peakDevice, Long peakProcess,
                                        Long peakAllocated, Long peakReserved) {
        return new PhaseReading(phase, reading(t0, peakDevice, peakProcess), reading(t1, peakDevice, peakProcess),
                peakDevice, peakProcess, PhaseReading.PeakKind.POLLED_LOWER_BOUND, peakAllocated, peakReserved, 2);
    }

    /** @return the profile with these events (e.g. an out-of-memory event) instead of its own */
    public static Profile withEvents(Profile p, RunEvent... events) {
        return new Profile(p.schemaVersion(), p.provenance(), p.request(), p.command(), p.baseline(),
                p.markedBaseline(), p.phases(), p.samples(), p.sampleRateHz(), List.of(events), p.ranks());
    }

    /** @return an out-of-memory event in {@code phase}, as MeasurementSession writes it */
    public static RunEvent outOfMemory(String phase, long requested) {
        return new RunEvent(RunEvent.Kind.OUT_OF_MEMORY, phase, "out of memory in phase " + phase + ": "
                + ByteFormat.mib(requested) + " requested, 0.00 MiB free", requested);
    }

    public static Profile profile(DeviceInfo device, String runner, Reading baseline, PhaseReading... phases) {
        List<Sample> samples = new ArrayList<>();
        for (PhaseReading p : phases) {
            long v = p.peakProcess() != null ? p.peakProcess() : p.peakDevice();
            samples.add(new Sample(p.start().tNanos(), p.phase(), p.peakDevice(), p.peakProcess() == null ? -1 : v));
            samples.add(new Sample(p.end().tNanos(), p.phase(), p.peakDevice(), p.peakProcess() == null ? -1 : v));
        }
        return new Profile(Profile.SCHEMA_VERSION, new Provenance("0.1.0", "abc1234", "host",
                "2026-11-28T00:00:00Z", runner, device, "17"), REQUEST, null, baseline, List.of(phases), samples,
                1000.0, List.of());
    }
}
