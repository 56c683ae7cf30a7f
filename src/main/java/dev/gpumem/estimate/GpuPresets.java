package dev.gpumem.estimate;

import dev.gpumem.input.BadInputException;
import java.util.LinkedHashMap;
import java.util.List;
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
     * @param field the request field being resolved, for the message
     * @throws BadInputException "gpu: unknown value 'x'; accepted: a, b, ... or a custom card {...}"
     */
    public GpuSpec resolve(String field, String name) {
        GpuPreset p = byName.get(name);
        if (p == null) {
            throw new BadInputException(field + ": unknown value '" + name + "'; accepted: "
                    + String.join(", ", byName.keySet())
                    + ", or a custom card {\"name\", \"total_bytes\", \"arch\"}");
        }
        return p.spec();
    }

    /** @return true when {@code gpu} is exactly a preset (same name, total and architecture) */
    /** @return whether {@code name} names a preset */
    public boolean isPresetName(String name) {
        return byName.containsKey(name);
    }

    public boolean isPreset(GpuSpec gpu) {
        GpuPreset p = byName.get(gpu.name());
        return p != null && p.spec().equals(gpu);
    }
}
