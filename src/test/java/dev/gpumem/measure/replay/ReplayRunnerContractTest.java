package dev.gpumem.measure.replay;

import dev.gpumem.measure.Runner;
import dev.gpumem.measure.RunnerContract;
import dev.gpumem.measure.host.HostMemory;
import java.util.List;

class ReplayRunnerContractTest extends RunnerContract {
    @Override
    protected Runner completingRunner() {
        return ReplayRunner.direct(ReplayRunnerTest.plan(), new HostMemory(-1));
    }

    @Override
    protected List<String> expectedPhases() {
        return List.of("load", "forward");
    }
}
