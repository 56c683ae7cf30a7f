package dev.gpumem.measure.external;

import dev.gpumem.measure.Runner;
import dev.gpumem.measure.RunnerContract;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

class ExternalCommandRunnerContractTest extends RunnerContract {
    @Override
    protected Runner completingRunner() throws Exception {
        return new ExternalCommandRunner(List.of("sh", "-c", "echo 'phase=load at=start' >> \"$GPUMEM_MARKERS\"; "
                + "sleep 0.05; echo 'phase=load' >> \"$GPUMEM_MARKERS\"; echo 'phase=forward' >> \"$GPUMEM_MARKERS\""),
                Files.createTempDirectory("gpumem-contract"), true, Map.of());
    }

    @Override
    protected List<String> expectedPhases() {
        return List.of("load", "forward");
    }
}
