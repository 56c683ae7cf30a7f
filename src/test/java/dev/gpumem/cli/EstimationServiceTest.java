package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.compat.AccelerateCompat;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.RequestJson;
import dev.gpumem.model.Inventory;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EstimationServiceTest {
    private final RequestJson requests = new RequestJson(GpuPresetsJson.load());

    @Test
    void loadsEachModelAndOverrideOnce() {
        AtomicInteger loads = new AtomicInteger();
        EstimationService s = new EstimationService((m, o) -> {
            loads.incrementAndGet();
            return FakeEstimates.tinyInventory(m);
        }, FakeEstimates::estimate);
        for (int i = 1; i <= 100; i++) {
            s.estimate(requests.parse("{\"model\":\"a\",\"batch\":" + i + "}"));
            s.estimate(requests.parse("{\"model\":\"b\",\"batch\":" + i + "}"));
            s.estimate(requests.parse("{\"model\":\"a\",\"batch\":" + i + ",\"model_overrides\":{\"num_hidden_layers\":1}}"));
        }
        assertEquals(3, loads.get());
    }

    @Test
    void aFailedLoadIsRememberedAndRethrown() {
        AtomicInteger loads = new AtomicInteger();
        EstimationService s = new EstimationService((m, o) -> {
            loads.incrementAndGet();
            throw new dev.gpumem.input.BadInputException("model: no such file " + m);
        }, FakeEstimates::estimate);
        RunConfig c = requests.parse("{\"model\":\"missing.json\"}");
        assertThrows(IllegalArgumentException.class, () -> s.estimate(c));
        assertThrows(IllegalArgumentException.class, () -> s.estimate(c));
        assertEquals(1, loads.get());
    }

    @Test
    void returnsTheEstimatorsEstimateAsItIs() {
        Estimate[] made = new Estimate[1];
        EstimationService s = new EstimationService((m, o) -> FakeEstimates.tinyInventory(m), (i, c) -> {
            made[0] = FakeEstimates.estimate(i, c);
            return made[0];
        });
        Estimate e = s.estimate(requests.parse("{\"model\":\"a\"}"));
        assertSame(made[0], e);
        assertFalse(e.notes().isEmpty());
    }
}
