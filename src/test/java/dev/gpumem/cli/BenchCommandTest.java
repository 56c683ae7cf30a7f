package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.RequestJson;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
    @Test
    void theGeneratedBatchIsValidRequestsOfBothTasks() {
        RequestJson requests = new RequestJson(GpuPresetsJson.load());
        List<String> lines = BenchCommand.batchLines("llama-3.1-8b", 10_000);
        assertEquals(10_000, lines.size());
        Set<RunConfig.Task> tasks = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (String l : lines) {
            RunConfig c = requests.parse(l);
            tasks.add(c.task());
            ids.add(c.id());
        }
        assertEquals(Set.of(RunConfig.Task.TRAIN, RunConfig.Task.INFERENCE), tasks);
        assertEquals(10_000, ids.size());
    }

    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2.0, BenchCommand.median(new double[] {3, 1, 2}));
        assertEquals(2.5, BenchCommand.median(new double[] {4, 1, 2, 3}));
    }
}
