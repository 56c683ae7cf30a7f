package dev.gpumem.estimate;

import dev.gpumem.input.BadInputException;
import dev.gpumem.names.ClosestNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The shipped GPU presets (read from {@code dev/gpumem/gpus.json} by {@code io.GpuPresetsJson}), looked up by
 * name. Immutable.
 */
public final class GpuPresets {
    private final Map<String, GpuPreset> byName = new LinkedHashMap<>();

    public GpuPresets(List<GpuPreset> presets) {
        for (GpuPreset p : presets) {
            if (byName.put(p.name(), p) != null) {
                throw new IllegalArgumentException("gpu preset " + p.name() + " is listed twice");
            }
        }
    }

    /** @return every preset, in the order of the presets file */
    public List<GpuPreset> all() {
        return List.copyOf(byName.values());
    }

    public Optional<GpuPreset> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * @param product    a device name as NVML reports it (nvidia-smi --query-gpu=name)
     * @param totalBytes the device's NVML total, to choose between presets of the same product name
     * @return the preset of that product (case and surrounding blanks ignored), the one with that total when
     *         several share the name
     */
    public Optional<GpuPreset> findByProduct(String product, long totalBytes) {
        List<GpuPreset> same = byName.values().stream()
                .filter(p -> p.product().trim().equalsIgnoreCase(product.trim())).toList();
        return same.stream().filter(p -> p.totalBytes() == totalBytes).findFirst().or(() -> same.stream().findFirst());
    }

    /**
     * Resolves a preset name, ignoring case ({@code H100-80GB} is {@code h100-80gb}), or a product name that only one
     * preset has.
     *
     * @param field the request field being resolved, for the message
     * @throws BadInputException for a name that is no preset: when it begins the names of several
     *         ({@code h100}), "gpu: unknown value 'h100'; the h100 presets are h100-80gb (..), h100-96gb (..); ...";
     *         otherwise "gpu: unknown value 'x'; accepted: a, b, ... or a custom card {...}", ending with
     *         "; did you mean y?" when a preset name is a few edits away
     */
    public GpuSpec resolve(String field, String name) {
        return preset(name).map(GpuPreset::spec).orElseThrow(() -> unknown(field, name));
    }

    /**
     * @return the preset of that name, case ignored, or the only preset of that product name as nvidia-smi prints
     *         it ({@code NVIDIA H100 80GB HBM3})
     */
    public Optional<GpuPreset> preset(String name) {
        if (name == null) {
            return Optional.empty();
        }
        GpuPreset p = byName.get(name);
        if (p == null) {
            p = byName.get(name.toLowerCase(Locale.ROOT));
        }
        if (p == null) {
            List<GpuPreset> product = byName.values().stream()
                    .filter(g -> g.product().trim().equalsIgnoreCase(name.trim())).toList();
            p = product.size() == 1 ? product.get(0) : null;
        }
        return Optional.ofNullable(p);
    }

    private BadInputException unknown(String field, String name) {
        String custom = "a custom card {\"name\", \"total_bytes\"} (arch optional: read from the name)";
        List<String> family = ClosestNames.startingWith(name, byName.keySet());
        if (!family.isEmpty()) {
            return new BadInputException(field + ": unknown value '" + name + "'; the " + name
                    + " presets are " + String.join(", ", family.stream().map(n -> n + " (" + byName.get(n).product()
                    + ")").toList()) + "; give one of them, or " + custom);
        }
        return new BadInputException(field + ": unknown value '" + name + "'; accepted: "
                + String.join(", ", byName.keySet()) + ", or " + custom
                + ClosestNames.didYouMean(name, byName.keySet()));
    }

    /** @return whether {@code name} names a preset (case ignored) */
    public boolean isPresetName(String name) {
        return preset(name).isPresent();
    }

    /** @return true when {@code gpu} is exactly a preset (same name, total and architecture) */
    public boolean isPreset(GpuSpec gpu) {
        GpuPreset p = byName.get(gpu.name());
        return p != null && p.spec().equals(gpu);
    }
}
