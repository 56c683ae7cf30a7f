package dev.gpumem.cli;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.RequestJson;
import dev.gpumem.measure.Profile;
import java.nio.file.Path;

/**
 * What compare, calibrate, report and validate need from the other parts: read a profile file, parse a request
 * line, estimate a request. One instance per command run (it keeps the loaded models of that run).
 * TODO(issue 5): readProfile switches to io.ProfileFiles.read once branch measure is on main.
 */
class Workbench {
    private RequestJson requests;
    private EstimationService estimation;

    Profile readProfile(Path file) {
        throw new UserError(ExitCode.INTERNAL, "reading profiles needs io.ProfileFiles (branch measure),"
                + " which is not merged yet; cannot read " + file);
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
