package dev.gpumem.measure.run;

import dev.gpumem.estimate.GpuPresets;
import dev.gpumem.estimate.GpuSpec;
import dev.gpumem.estimate.GpuSpec.GpuArch;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.units.ByteFormat;
import java.util.List;

/**
 * Gives a request that names no GPU the card the measurement actually runs on, so the plan, the profile and a
 * later {@code compare} use that card's device constants rather than the estimator's no-GPU defaults.
 */
final class DeviceGpuFill {
    private DeviceGpuFill() {
    }

    /**
     * @param request the request as run (with its gpu, if filled), or null
     * @param notes   one-line notes for the profile (why the gpu was not filled, or how the named one differs)
     */
    record Filled(RunConfig request, List<String> notes) {
        Filled {
            notes = List.copyOf(notes);
        }
    }

    /**
     * @param request the request the workload follows, or null (nothing to fill)
     * @param device  the device the measurement runs on (the probe's)
     * @param presets the shipped GPU presets, matched by product name
     */
    static Filled fill(RunConfig request, DeviceInfo device, GpuPresets presets) {
        if (request == null) {
            return new Filled(null, List.of());
        }
        GpuSpec detected;
        try {
            detected = cardOf(device, presets);
        } catch (IllegalArgumentException e) {
            if (request.gpu() != null) {
                return new Filled(request, List.of());
            }
            return new Filled(request, List.of("the request names no GPU and " + device.name() + " could not be "
                    + "named as one (" + e.getMessage() + "): it was planned and is estimated with the no-GPU "
                    + "device defaults"));
        }
        if (request.gpu() == null) {
            return new Filled(request.withGpu(detected), List.of());
        }
        GpuSpec named = request.gpu();
        if (named.arch() != detected.arch() || named.totalBytes() != detected.totalBytes()) {
            return new Filled(request, List.of("the request names GPU " + describe(named)
                    + " but the measurement ran on " + device.name() + " (" + describe(detected) + "); the plan and "
                    + "the estimate use the named card's constants"));
        }
        return new Filled(request, List.of());
    }

    /**
     * @return the card for {@code device}: the CPU twin as a CPU card (no context, no workspace), a GPU as the
     *         preset of its product name, else a custom card with its NVML name, total and architecture
     * @throws IllegalArgumentException when the total is unknown or a GPU's architecture cannot be told
     */
    static GpuSpec cardOf(DeviceInfo device, GpuPresets presets) {
        if (device.totalBytes() <= 0) {
            throw new IllegalArgumentException("its memory total is unknown");
        }
        if (device.kind() == DeviceInfo.Kind.CPU) {
            return new GpuSpec(device.name(), device.totalBytes(), GpuArch.CPU);
        }
        return presets.findByProduct(device.name(), device.totalBytes())
                .map(p -> p.spec())
                .orElseGet(() -> new GpuSpec(device.name(), device.totalBytes(),
                        GpuArch.fromDeviceName(device.name())));
    }

    private static String describe(GpuSpec gpu) {
        return gpu.name() + ", " + gpu.arch().wire() + ", " + ByteFormat.gib(gpu.totalBytes());
    }
}
