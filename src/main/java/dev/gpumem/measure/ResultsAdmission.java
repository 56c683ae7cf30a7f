package dev.gpumem.measure;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Whether a profile may be kept under {@code results/}: only a measurement on a real NVIDIA GPU whose provenance
 * names the hardware and the tool that made it (GPU name and UUID, driver, CUDA driver version, NVML version, tool
 * version, source commit, start time) and that carries its samples. CPU-twin profiles, profiles made on the stub
 * drivers of {@code native/} (test doubles) and profiles with a hole in their provenance are refused, each with the
 * reasons.
 */
public final class ResultsAdmission {
    /** The name prefix the stub NVML of {@code native/} gives every device it fakes. */
    public static final String STUB_NAME_PREFIX = "GPUMEM STUB";

    private ResultsAdmission() {
    }

    /** @return why {@code p} may not be kept under results/; empty when it may */
    public static List<String> refusals(Profile p) {
        List<String> why = new ArrayList<>();
        Provenance prov = p.provenance();
        DeviceInfo d = prov.device();
        switch (d.kind()) {
            case CPU -> why.add("a CPU-twin profile (device kind cpu: resident memory, not GPU memory)");
            case STUB -> why.add("measured on the stub drivers of native/ (a test double)");
            case GPU -> { }
        }
        if (d.name() == null || d.name().isBlank()) {
            why.add("no GPU name");
        } else if (d.name().toUpperCase(Locale.ROOT).startsWith(STUB_NAME_PREFIX) && d.kind() != DeviceInfo.Kind.STUB) {
            why.add("the device is named as a stub (" + d.name() + ")");
        }
        if (d.kind() == DeviceInfo.Kind.GPU) {
            requireText(why, "GPU UUID", d.uuid());
            requireText(why, "driver version", d.driverVersion());
            requireText(why, "CUDA driver version", d.cudaDriverVersion());
            requireText(why, "NVML version", d.nvmlVersion());
            if (d.driverVersion() != null && d.driverVersion().toLowerCase(Locale.ROOT).contains("stub")) {
                why.add("a stub driver version (" + d.driverVersion() + ")");
            }
            if (d.totalBytes() <= 0) {
                why.add("no device memory total");
            }
        }
        requireText(why, "tool version", prov.toolVersion());
        if (prov.gitCommit() == null || prov.gitCommit().isBlank() || prov.gitCommit().equals("unknown")) {
            why.add("no source commit of the tool");
        }
        if (prov.startedAt() == null) {
            why.add("no start time");
        } else {
            try {
                Instant.parse(prov.startedAt());
            } catch (DateTimeParseException e) {
                why.add("start time is not ISO-8601 (" + prov.startedAt() + ")");
            }
        }
        if (p.samples().isEmpty()) {
            why.add("no samples (the samples CSV is missing or empty)");
        }
        return List.copyOf(why);
    }

    private static void requireText(List<String> why, String what, String value) {
        if (value == null || value.isBlank()) {
            why.add("no " + what);
        }
    }
}
