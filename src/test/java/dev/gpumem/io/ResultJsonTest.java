package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Estimate.AccelerateNumbers;
import dev.gpumem.estimate.Estimate.FitVerdict;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.Term;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultJsonTest {
    private static final long MIB = 1024L * 1024;
    private final RequestJson requests = new RequestJson(GpuPresetsJson.load());
    private final ObjectMapper mapper = new ObjectMapper();

    /** A hand-made two-phase estimate: load holds 1000 B of weights, forward adds 5000 B of activations. */
    static Estimate twoPhases(RunConfig c, AccelerateNumbers acc) {
        Term w = new Term("weights", Component.WEIGHTS, Source.INVENTORY, "P·2 B", "500·2", 1000);
        Term a = new Term("act", Component.ACTIVATIONS, Source.AUTOGRAD_SAVED, "b·s·h·2 B", "1·2500·1·2", 5000);
        PhaseEstimate load = new PhaseEstimate(Phase.LOAD, 1000, 2 * MIB, 2 * MIB + 500 * MIB, List.of(w));
        PhaseEstimate fwd = new PhaseEstimate(Phase.FORWARD, 6000, 4 * MIB, 4 * MIB + 500 * MIB, List.of(w, a));
        long total = c.gpu().totalBytes();
        FitVerdict fit = new FitVerdict(c.gpu(), fwd.device(), total - fwd.device(), true);
        return new Estimate(c, 500, 400, List.of(load, fwd), fit, acc, List.of("a note"));
    }

    @Test
    void carriesEveryContractField() throws Exception {
        RunConfig c = requests.parse("{\"id\":\"r1\",\"model\":\"m\",\"gpu\":\"h100-80gb\",\"compat\":\"accelerate\"}");
        AccelerateNumbers acc = new AccelerateNumbers(10, 100, 800, 400, 600, 800, 800, List.of("activations"));
        JsonNode o = mapper.readTree(new ResultJson().toJson(twoPhases(c, acc), false));
        assertEquals("r1", o.get("id").asText());
        assertEquals(500, o.get("params").asLong());
        assertEquals(400, o.get("trainable_params").asLong());
        assertEquals(6000, o.at("/peak/allocated_bytes").asLong());
        assertEquals(4 * MIB, o.at("/peak/reserved_bytes").asLong());
        assertEquals(504 * MIB, o.at("/peak/device_bytes").asLong());
        assertEquals(2, o.get("phases").size());
        JsonNode fwd = o.get("phases").get(1);
        assertEquals("forward", fwd.get("name").asText());
        assertEquals(6000, fwd.get("allocated_bytes").asLong());
        assertEquals(4 * MIB, fwd.get("reserved_bytes").asLong());
        assertEquals(504 * MIB, fwd.get("device_bytes").asLong());
        for (String k : List.of("weights", "gradients", "optimizer_states", "master_weights", "activations", "logits",
                "temporary", "kv_cache", "context", "allocator_slack")) {
            assertTrue(fwd.get("components").has(k), k);
        }
        assertEquals(1000, fwd.at("/components/weights").asLong());
        assertEquals(5000, fwd.at("/components/activations").asLong());
        assertEquals(4 * MIB - 6000, fwd.at("/components/allocator_slack").asLong());
        assertEquals(500 * MIB, fwd.at("/components/context").asLong());
        assertEquals(0, fwd.at("/components/kv_cache").asLong());
        assertEquals("h100-80gb", o.at("/gpu/name").asText());
        assertEquals(81559 * MIB, o.at("/gpu/total_bytes").asLong());
        assertTrue(o.at("/gpu/fits").asBoolean());
        assertEquals(81559 * MIB - 504 * MIB, o.at("/gpu/headroom_bytes").asLong());
        assertEquals(10, o.at("/accelerate/largest_layer_bytes").asLong());
        assertEquals(100, o.at("/accelerate/total_bytes").asLong());
        assertEquals(800, o.at("/accelerate/training_peak_bytes").asLong());
        assertEquals(400, o.at("/accelerate/stages/model").asLong());
        assertEquals(600, o.at("/accelerate/stages/gradient_calculation").asLong());
        assertEquals(800, o.at("/accelerate/stages/backward_pass").asLong());
        assertEquals(800, o.at("/accelerate/stages/optimizer_step").asLong());
        assertEquals("activations", o.at("/accelerate/left_out/0").asText());
        assertEquals("a note", o.at("/notes/0").asText());
        assertFalse(fwd.has("terms"));
    }

    @Test
    void termsAppearOnlyWhenAsked() throws Exception {
        RunConfig c = requests.parse("{\"id\":\"r1\",\"model\":\"m\",\"gpu\":\"a100-40gb\"}");
        JsonNode o = mapper.readTree(new ResultJson().toJson(twoPhases(c, null), true));
        JsonNode t = o.at("/phases/1/terms/1");
        assertEquals("act", t.get("name").asText());
        assertEquals("activations", t.get("component").asText());
        assertEquals(5000, t.get("bytes").asLong());
        assertEquals("b·s·h·2 B", t.get("formula").asText());
        assertFalse(o.has("accelerate"));
    }

    @Test
    void accelerateNotApplicableIsNull() throws Exception {
        RunConfig c = requests.parse("{\"id\":\"r1\",\"model\":\"m\",\"gpu\":\"a100-40gb\"}");
        AccelerateNumbers acc = new AccelerateNumbers(10, 100, -1, -1, -1, -1, -1, List.of());
        JsonNode o = mapper.readTree(new ResultJson().toJson(twoPhases(c, acc), false));
        assertTrue(o.at("/accelerate/training_peak_bytes").isNull());
        assertTrue(o.at("/accelerate/stages/model").isNull());
    }

    @Test
    void errorObjectHasIdAndOneSentence() throws Exception {
        JsonNode o = mapper.readTree(new ResultJson().error("x", 3, "batch: must be a positive integer, got 0"));
        assertEquals("x", o.get("id").asText());
        assertEquals("batch: must be a positive integer, got 0", o.get("error").asText());
        assertEquals(3, o.get("line").asInt());
        assertTrue(mapper.readTree(new ResultJson().error(null, 1, "m")).get("id").isNull());
    }
}
