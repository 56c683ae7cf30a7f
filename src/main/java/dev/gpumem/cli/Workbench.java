package dev.gpumem.cli;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.device.Calibration;
import dev.gpumem.estimate.plan.AllocationPlan;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.ProfileFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import dev.gpumem.io.RequestJson;
import dev.gpumem.measure.Profile;
import dev.gpumem.model.Inventory;
import java.nio.file.Path;
import java.util.List;

/**
 * What compare, calibrate, report, validate and measure need from the other parts: read a profile file, parse a
 * request line, read a request's model, estimate a request. One instance per command run (it keeps the loaded
 * models of that run, so measure reads its model once); tests override it with their own profiles and estimates.
 */
class Workbench {
    private final List<Calibration> calibrations;
    private RequestJson requests;
    private EstimationService estimation;

    /** With the shipped device defaults. */
    Workbench() {
        this(List.of());
    }

    /** @param calibrations device constants that replace the shipped defaults of their GPU classes */
    Workbench(List<Calibration> calibrations) {
        this.calibrations = List.copyOf(calibrations);
    }

    /** @return the calibrations estimates use (empty: the shipped defaults) */
    List<Calibration> calibrations() {
        return calibrations;
    }

    Profile readProfile(Path file) {
        try {
            return ProfileFiles.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("PROFILE: cannot read " + file, e);
        }
    }

    RunConfig parseRequest(String jsonLine) {
        if (requests == null) {
            requests = new RequestJson(GpuPresetsJson.load());
        }
        return requests.parse(jsonLine);
    }

    Estimate estimate(RunConfig request) {
        return estimation().estimate(request);
    }

    /** @return the allocation plan a replay of the request allocates, with the estimate's device constants */
    AllocationPlan plan(RunConfig request) {
        return estimation().plan(request);
    }

    /** @return the request's model, read once per (model, model_overrides) for the life of this workbench */
    Inventory inventory(RunConfig request) {
        return estimation().inventory(request);
    }

    private EstimationService estimation() {
        if (estimation == null) {
            estimation = new EstimationService(calibrations);
        }
        return estimation;
    }
}
