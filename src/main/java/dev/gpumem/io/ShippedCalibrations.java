package dev.gpumem.io;

import dev.gpumem.compare.DeviceCalibration;
import dev.gpumem.estimate.GpuSpec;
import dev.gpumem.estimate.device.Calibration;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Calibrations shipped in the jar, under {@code dev/gpumem/calibration/<key>.json}, where the key is a GPU preset
 * name (e.g. {@code h100-80gb}) or a device slug (e.g. {@code nvidia-h100-80gb-hbm3}). The estimate uses the
 * shipped calibration of the named GPU unless {@code --calibration FILE} names another.
 */
public final class ShippedCalibrations {
    static final String ROOT = "/dev/gpumem/calibration/";

    private final ClassLoader loader;

    public ShippedCalibrations() {
        this(ShippedCalibrations.class.getClassLoader());
    }

    ShippedCalibrations(ClassLoader loader) {
        this.loader = loader;
    }

    /**
     * @return the shipped calibration of {@code gpu} (by its preset name, then by the slug of its name) in the
     *         estimator's form, or empty when none is shipped (the estimator then uses its per-architecture defaults)
     */
    public Optional<Calibration> forGpu(GpuSpec gpu) {
        if (gpu == null) {
            return Optional.empty();
        }
        String slug = gpu.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return find(gpu.name(), slug).filter(c -> c.arch() == gpu.arch()).map(DeviceCalibration::toEstimatorCalibration);
    }

    /** @return the shipped calibration for the first key that has one (preset name or slug) */
    public Optional<DeviceCalibration> find(String... keys) {
        for (String key : keys) {
            if (key == null || !key.matches("[a-z0-9][a-z0-9-]*")) {
                continue;
            }
            String path = ROOT.substring(1) + key + ".json";
            try (InputStream in = loader.getResourceAsStream(path)) {
                if (in != null) {
                    return Optional.of(CalibrationJson.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                            "shipped calibration " + key + ".json"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read shipped calibration " + path, e);
            }
        }
        return Optional.empty();
    }
}
