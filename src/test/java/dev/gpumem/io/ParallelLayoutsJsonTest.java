package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.RunConfig.SequenceParallel;
import org.junit.jupiter.api.Test;

/** The wire form of the parallel layouts beyond data / zero / tensor / pipeline (REQUEST-SCHEMA.md, parallel). */
class ParallelLayoutsJsonTest {
    private final RequestJson json = new RequestJson(GpuPresetsJson.load());

    @Test
    void sequenceParallelIsAJsonBooleanReadIntoTheEnum() {
        RunConfig on = json.parse("{\"model\":\"m\",\"parallel\":{\"tensor\":2,\"sequence_parallel\":true}}");
        assertEquals(SequenceParallel.ON, on.parallel().sequence());
        RunConfig off = json.parse("{\"model\":\"m\",\"parallel\":{\"tensor\":2,\"sequence_parallel\":false}}");
        assertEquals(SequenceParallel.OFF, off.parallel().sequence());
        assertEquals(SequenceParallel.OFF, json.parse("{\"model\":\"m\"}").parallel().sequence());
    }

    @Test
    void sequenceParallelRoundTripsAndIsEchoedOnlyWhenOn() {
        RunConfig on = json.parse("{\"model\":\"m\",\"parallel\":{\"tensor\":2,\"sequence_parallel\":true}}");
        assertTrue(json.toJson(on).contains("\"sequence_parallel\":true"), json.toJson(on));
        assertEquals(on, json.parse(json.toJson(on)));
        RunConfig off = json.parse("{\"model\":\"m\",\"parallel\":{\"tensor\":2}}");
        assertFalse(json.toJson(off).contains("sequence_parallel"), json.toJson(off));
    }

    @Test
    void badSequenceParallelValuesNameTheField() {
        IllegalArgumentException notBool = assertThrows(IllegalArgumentException.class,
                () -> json.parse("{\"model\":\"m\",\"parallel\":{\"tensor\":2,\"sequence_parallel\":\"yes\"}}"));
        assertTrue(notBool.getMessage().startsWith("parallel.sequence_parallel: expected true or false"),
                notBool.getMessage());
        IllegalArgumentException noTp = assertThrows(IllegalArgumentException.class,
                () -> json.parse("{\"model\":\"m\",\"parallel\":{\"sequence_parallel\":true}}"));
        assertTrue(noTp.getMessage().startsWith("parallel.sequence_parallel: shards over the tensor-parallel ranks"),
                noTp.getMessage());
        assertFalse(noTp.getMessage().contains("\n"));
    }

    @Test
    void contextIsAPositiveIntegerEchoedOnlyAboveOne() {
        RunConfig cp = json.parse("{\"model\":\"m\",\"parallel\":{\"context\":4}}");
        assertEquals(4, cp.parallel().context());
        assertTrue(json.toJson(cp).contains("\"context\":4"), json.toJson(cp));
        assertEquals(cp, json.parse(json.toJson(cp)));
        RunConfig one = json.parse("{\"model\":\"m\"}");
        assertEquals(1, one.parallel().context());
        assertFalse(json.toJson(one).contains("\"context\""), json.toJson(one));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> json.parse("{\"model\":\"m\",\"parallel\":{\"context\":0}}"));
        assertTrue(bad.getMessage().startsWith("parallel.context:"), bad.getMessage());
    }

    @Test
    void expertAndCapacityFactorAreReadAndEchoedOnlyWhenStated() {
        RunConfig c = json.parse("{\"model\":\"m\",\"parallel\":{\"data\":4,\"expert\":4,"
                + "\"capacity_factor\":1.25}}");
        assertEquals(4, c.parallel().expert());
        assertEquals(1.25, c.parallel().capacityFactor().getAsDouble());
        assertEquals(c, json.parse(json.toJson(c)));
        RunConfig plain = json.parse("{\"model\":\"m\",\"parallel\":{\"capacity_factor\":null}}");
        assertTrue(plain.parallel().capacityFactor().isEmpty());
        assertFalse(json.toJson(plain).contains("capacity_factor"), json.toJson(plain));
        assertFalse(json.toJson(plain).contains("\"expert\""), json.toJson(plain));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> json.parse("{\"model\":\"m\",\"parallel\":{\"capacity_factor\":\"big\"}}"));
        assertTrue(bad.getMessage().startsWith("parallel.capacity_factor: expected a positive number"),
                bad.getMessage());
    }
}
