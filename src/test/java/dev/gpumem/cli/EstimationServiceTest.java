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
    void addsTheFitVerdictWhenTheEstimatorLeftItOut() {
        EstimationService s = new EstimationService((m, o) -> FakeEstimates.tinyInventory(m), FakeEstimates::estimate);
        Estimate e = s.estimate(requests.parse("{\"model\":\"a\",\"batch\":1,\"seq\":1024,\"gpu\":\"t4-16gb\"}"));
        long peak = FakeEstimates.GIB + 1024L * 1024 + 512 * FakeEstimates.MIB;
        assertEquals(peak, e.fit().peakDevice());
        assertEquals(15360 * FakeEstimates.MIB - peak, e.fit().headroomBytes());
        assertTrue(e.fit().fits());
        assertNull(s.estimate(requests.parse("{\"model\":\"a\"}")).fit());
    }

    @Test
    void addsAccelerateNumbersOnlyWhenAsked() {
        Inventory inv = FakeEstimates.tinyInventory("a");
        EstimationService s = new EstimationService((m, o) -> inv, FakeEstimates::estimate);
        RunConfig c = requests.parse("{\"model\":\"a\",\"compat\":\"accelerate\",\"precision\":\"fp16\"}");
        Estimate e = s.estimate(c);
        assertEquals(AccelerateCompat.estimate(inv, c), e.accelerate());
        assertTrue(e.notes().get(e.notes().size() - 1).startsWith("accelerate numbers use the transformers 4.31-4.37"));
        assertNull(s.estimate(requests.parse("{\"model\":\"a\"}")).accelerate());
    }

    @Test
    void theModelReadersWarningsComeFirstAmongTheNotes() {
        Inventory plain = FakeEstimates.tinyInventory("a");
        Inventory warned = new Inventory("a", plain.architecture(), plain.tensors(),
                java.util.List.of("model_type 'foo' is unknown; read as a generic decoder"));
        EstimationService s = new EstimationService((m, o) -> warned, FakeEstimates::estimate);
        Estimate e = s.estimate(requests.parse("{\"model\":\"a\"}"));
        assertEquals(java.util.List.of("model_type 'foo' is unknown; read as a generic decoder", "fake estimate for tests"),
                e.notes());
    }

    @Test
    void keepsWhatTheEstimatorAlreadyFilledIn() {
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
