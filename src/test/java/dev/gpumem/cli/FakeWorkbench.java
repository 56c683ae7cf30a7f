package dev.gpumem.cli;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.measure.Profile;
import java.nio.file.Path;
import java.util.Map;

/** A workbench whose profiles and estimates are given by the test, keyed by file name and request id. */
final class FakeWorkbench extends Workbench {
    private final Map<String, Profile> profiles;
    private final Map<String, Estimate> estimates;

    FakeWorkbench(Map<String, Profile> profiles, Map<String, Estimate> estimates) {
        this.profiles = profiles;
        this.estimates = estimates;
    }

    @Override
    Profile readProfile(Path file) {
        Profile p = profiles.get(file.getFileName().toString());
        if (p == null) {
            throw new dev.gpumem.input.BadInputException("profile: " + file + " is not a profile");
        }
        return p;
    }

    @Override
    RunConfig parseRequest(String jsonLine) {
        String id = dev.gpumem.io.ValidationJson.caseId(jsonLine);
        return new RunConfig(id, "validation/models/llama-2-7b.json", Map.of(), RunConfig.Task.TRAIN,
                RunConfig.Precision.BF16, false, RunConfig.Optimizer.ADAMW, 1, 512, 1, RunConfig.Checkpointing.NONE,
                RunConfig.AttentionKernel.SDPA, RunConfig.Finetune.FULL, RunConfig.Parallel.SINGLE,
                java.util.Set.of(), RunConfig.Inference.defaults(512), null, RunConfig.Compat.NONE);
    }

    @Override
    Estimate estimate(RunConfig request) {
        String key = request.id().isEmpty() ? "default" : request.id();
        Estimate e = estimates.getOrDefault(key, estimates.get("default"));
        if (e == null) {
            throw new dev.gpumem.input.BadInputException("model: no estimate for " + key);
        }
        return e;
    }
}
