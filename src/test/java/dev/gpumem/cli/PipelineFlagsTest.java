package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** --pp-schedule, --virtual-stages and --stage write parallel.schedule, virtual_stages and stage. */
class PipelineFlagsTest {
    private static final String[] MODEL = {"--model", "llama-3.2-1b", "--batch", "1", "--seq", "128",
        "--override", "num_hidden_layers=8", "--pp", "2", "--grad-accum", "4"};
    private final ObjectMapper mapper = new ObjectMapper();

    private static String[] with(String... more) {
        String[] args = new String[more.length + MODEL.length];
        System.arraycopy(more, 0, args, 0, more.length);
        System.arraycopy(MODEL, 0, args, more.length, MODEL.length);
        return args;
    }

    @Test
    void theFlagsBecomeTheRequestsPipelineFields() throws IOException {
        CliRun r = CliRun.of(with("estimate", "--print-request", "--pp-schedule", "interleaved_1f1b",
                "--virtual-stages", "2", "--stage", "1"));
        assertEquals(0, r.code(), r.err());
        JsonNode q = mapper.readTree(r.out());
        assertEquals("interleaved_1f1b", q.at("/parallel/schedule").asText());
        assertEquals(2, q.at("/parallel/virtual_stages").asInt());
        assertEquals(1, q.at("/parallel/stage").asInt());
        CliRun last = CliRun.of(with("estimate", "--print-request", "--stage", "last"));
        assertEquals("last", mapper.readTree(last.out()).at("/parallel/stage").asText());
    }

    @Test
    void gpipeOnTheFirstStageNeedsMoreThanOneFOneB() throws IOException {
        CliRun gpipe = CliRun.of(with("estimate", "--json", "--pp-schedule", "gpipe", "--stage", "first"));
        CliRun f1b = CliRun.of(with("estimate", "--json", "--stage", "first"));
        assertEquals(0, gpipe.code(), gpipe.err());
        long a = mapper.readTree(gpipe.out()).at("/peak/allocated_bytes").asLong();
        long b = mapper.readTree(f1b.out()).at("/peak/allocated_bytes").asLong();
        assertTrue(a > b, a + " vs " + b);
    }

    @Test
    void aBadScheduleIsOneLineNamingTheField() {
        CliRun r = CliRun.of(with("estimate", "--pp-schedule", "zb"));
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("parallel.schedule: unknown value 'zb'; accepted: gpipe, 1f1b, interleaved_1f1b"),
                r.err());
    }
}
