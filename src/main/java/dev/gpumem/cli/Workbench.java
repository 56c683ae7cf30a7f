package dev.gpumem.cli;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Estimator;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.measure.Profile;
import dev.gpumem.model.hf.ModelLoader;
import java.nio.file.Path;

/**
 * What compare, calibrate, report and validate need from the other parts: read a profile file, parse a request
 * line, estimate a request. One instance per command run.
 * TODO(issue 5): switch to io.ProfileFiles.read (branch measure), io.RequestJson and EstimationService (branch
 * interface) once they are on main.
 */
class Workbench {
    Profile readProfile(Path file) {
        throw new UserError(ExitCode.INTERNAL, "reading profiles needs io.ProfileFiles (branch measure),"
                + " which is not merged yet; cannot read " + file);
    }

    RunConfig parseRequest(String jsonLine) {
        throw new UserError(ExitCode.INTERNAL, "parsing requests needs io.RequestJson (branch interface),"
                + " which is not merged yet");
    }

    Estimate estimate(RunConfig request) {
        return new Estimator().estimate(new ModelLoader().load(request.model(), request.modelOverrides()), request);
    }
}
