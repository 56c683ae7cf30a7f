package dev.gpumem.cli;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.ProfileFiles;
import java.io.IOException;
import dev.gpumem.io.RequestJson;
import dev.gpumem.measure.Profile;
import java.nio.file.Path;

/**
 * What compare, calibrate, report and validate need from the other parts: read a profile file, parse a request
 * line, estimate a request. One instance per command run (it keeps the loaded models of that run); tests override
 * it with their own profiles and estimates.
 */
class Workbench {
    private RequestJson requests;
    private EstimationService estimation;

    Profile readProfile(Path file) {
        try {
            return ProfileFiles.read(file);
        } catch (IOException e) {
            throw UserError.badInput("PROFILE: cannot read " + file + ": " + e.getMessage());
        }
    }

    RunConfig parseRequest(String jsonLine) {
        if (requests == null) {
            requests = new RequestJson(GpuPresetsJson.load());
        }
        return requests.parse(jsonLine);
    }

    Estimate estimate(RunConfig request) {
        if (estimation == null) {
            estimation = new EstimationService();
        }
        return estimation.estimate(request);
    }
}
