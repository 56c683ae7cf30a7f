package dev.gpumem.cli;

import dev.gpumem.estimate.device.Calibration;
import dev.gpumem.io.CalibrationJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --calibration FILE}: device constants from {@code gpumem calibrate} that replace the shipped defaults. */
final class CalibrationOption {
    @Option(names = "--calibration", paramLabel = "FILE",
            description = "device-level constants fitted by gpumem calibrate (results/calibration/<gpu>.json); they "
                    + "replace the shipped defaults of their GPU architecture")
    Path file;

    /** @return the file's calibration, or none (the shipped defaults) without the option */
    List<Calibration> calibrations() throws IOException {
        return file == null ? List.of() : List.of(CalibrationJson.readForEstimator(file));
    }
}
