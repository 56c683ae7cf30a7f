package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.RequestJson;
import org.junit.jupiter.api.Test;

class FitCommandTest {
    private final RequestJson requests = new RequestJson(GpuPresetsJson.load());

    @Test
    void resizeByBatchAlsoSetsTheInferenceBatch() {
        RunConfig inf = requests.parse("{\"model\":\"m\",\"task\":\"inference\",\"batch\":1,\"seq\":9,"
                + "\"inference\":{\"batch\":1,\"context_tokens\":59}}");
        RunConfig r = FitCommand.resize(inf, "batch", 12);
        assertEquals(12, r.batch());
        assertEquals(12, r.inference().batch());
        assertEquals(59, r.inference().contextTokens());
        RunConfig s = FitCommand.resize(inf, "seq", 300);
        assertEquals(300, s.seq());
        assertEquals(300, s.inference().contextTokens());
        RunConfig train = requests.parse("{\"model\":\"m\",\"batch\":1,\"seq\":9}");
        assertEquals(train.inference(), FitCommand.resize(train, "batch", 7).inference());
        assertEquals(7, FitCommand.resize(train, "batch", 7).batch());
    }

    @Test
    void needsAGpuAndAKnownDirection() {
        CliRun noGpu = CliRun.of("fit", "--model", "m");
        assertEquals(ExitCode.BAD_INPUT.code(), noGpu.code());
        assertTrue(noGpu.err().contains("--gpu: required"), noGpu.err());
        CliRun badBy = CliRun.of("fit", "--model", "m", "--gpu", "h100-80gb", "--by", "layers");
        assertEquals(ExitCode.BAD_INPUT.code(), badBy.code());
        assertTrue(badBy.err().contains("--by: unknown value 'layers'; accepted: batch, seq"), badBy.err());
        assertFalse(badBy.err().strip().contains("\n"));
    }
}
