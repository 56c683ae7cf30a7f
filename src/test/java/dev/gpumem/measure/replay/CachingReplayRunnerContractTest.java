package dev.gpumem.measure.replay;

import dev.gpumem.measure.Runner;
import dev.gpumem.measure.RunnerContract;
import dev.gpumem.measure.host.HostMemory;
import java.util.List;

class CachingReplayRunnerContractTest extends RunnerContract {
    @Override
    protected Runner completingRunner() {
        return ReplayRunner.caching(ReplayRunnerTest.plan(), new HostMemory(-1), SegmentPerRequestModel::new);
    }

    @Override
    protected List<String> expectedPhases() {
        return List.of("load", "forward");
    }
}
