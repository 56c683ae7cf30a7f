package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** estimate --print-request writes the flags' request; read back with --input it gives the same estimate. */
class PrintRequestTest {
    private static final String[] FLAGS = {"--model", "llama-3.2-1b", "--id", "r1", "--batch", "2", "--seq", "256",
        "--finetune", "lora", "--lora-rank", "16", "--checkpointing", "full", "--option", "chunked_loss",
        "--gpu", "lab a6000", "--gpu-total-bytes", "51527024640", "--override", "num_hidden_layers=4"};
    private final ObjectMapper mapper = new ObjectMapper();

    @TempDir
    Path dir;

    private static String[] with(String first, String... more) {
        String[] args = new String[FLAGS.length + 1 + more.length];
        args[0] = first;
        System.arraycopy(more, 0, args, 1, more.length);
        System.arraycopy(FLAGS, 0, args, 1 + more.length, FLAGS.length);
        return args;
    }

    @Test
    void thePrintedRequestIsOneContractLineWithTheFlagsAndTheDefaults() throws IOException {
        CliRun r = CliRun.of(with("estimate", "--print-request"));
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.out().strip().lines().count(), r.out());
        JsonNode q = mapper.readTree(r.out());
        assertEquals("llama-3.2-1b", q.get("model").asText());
        assertEquals(2, q.get("batch").asInt());
        assertEquals(16, q.at("/finetune/rank").asInt());
        assertEquals(32, q.at("/finetune/alpha").asInt());               // the default, 2 x rank, written out
        assertEquals("amp-bf16", q.get("precision").asText());
        assertEquals(4, q.at("/model_overrides/num_hidden_layers").asInt());
        assertEquals("lab a6000", q.at("/gpu/name").asText());
        assertFalse(q.get("gpu").has("arch"), "an arch read from the name is left for the reader to read again");
    }

    @Test
    void thePrintedRequestReadBackGivesTheSameEstimate() throws IOException {
        CliRun printed = CliRun.of(with("estimate", "--print-request"));
        Path file = dir.resolve("requests.jsonl");
        Files.writeString(file, printed.out());
        CliRun fromFile = CliRun.of("estimate", "--input", file.toString());
        CliRun fromFlags = CliRun.of(with("estimate", "--json"));
        assertEquals(0, fromFile.code(), fromFile.err());
        assertEquals(0, fromFlags.code(), fromFlags.err());
        JsonNode a = mapper.readTree(fromFile.out());
        JsonNode b = mapper.readTree(fromFlags.out());
        assertTrue(a.at("/peak/device_bytes").asLong() > 0, fromFile.out());
        assertEquals(b, a);
    }

    @Test
    void printRequestDoesNotReadTheModelButStillValidatesTheFlags() throws IOException {
        CliRun r = CliRun.of("estimate", "--print-request", "--model", "some-org/not-downloaded-anywhere");
        assertEquals(0, r.code(), r.err());
        assertEquals("some-org/not-downloaded-anywhere", mapper.readTree(r.out()).get("model").asText());
        CliRun bad = CliRun.of("estimate", "--print-request", "--model", "m", "--precision", "bf61");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("did you mean bf16?"), bad.err());
        CliRun withInput = CliRun.of("estimate", "--print-request", "--input", "x.jsonl");
        assertEquals(2, withInput.code());
    }

    @Test
    void printRequestWritesToOutputWhenAsked() throws IOException {
        Path out = dir.resolve("one.jsonl");
        CliRun r = CliRun.of(with("estimate", "--print-request", "--output", out.toString()));
        assertEquals(0, r.code(), r.err());
        assertEquals("r1", mapper.readTree(Files.readString(out)).get("id").asText());
    }

    @Test
    void theSequenceParallelFlagIsWrittenAsTheRequestField() throws IOException {
        CliRun r = CliRun.of(with("estimate", "--print-request", "--tp", "2", "--sequence-parallel"));
        assertEquals(0, r.code(), r.err());
        JsonNode q = mapper.readTree(r.out());
        assertTrue(q.at("/parallel/sequence_parallel").asBoolean(), r.out());
        assertEquals(2, q.at("/parallel/tensor").asInt());
    }

    @Test
    void theCpFlagIsWrittenAsParallelContext() throws IOException {
        CliRun r = CliRun.of(with("estimate", "--print-request", "--cp", "2"));
        assertEquals(0, r.code(), r.err());
        assertEquals(2, mapper.readTree(r.out()).at("/parallel/context").asInt(), r.out());
    }

    @Test
    void theEpAndCapacityFlagsAreWrittenAsTheRequestFields() throws IOException {
        CliRun r = CliRun.of(with("estimate", "--print-request", "--ep", "2", "--capacity-factor", "1.5"));
        assertEquals(0, r.code(), r.err());
        JsonNode q = mapper.readTree(r.out());
        assertEquals(2, q.at("/parallel/expert").asInt(), r.out());
        assertEquals(1.5, q.at("/parallel/capacity_factor").asDouble(), r.out());
    }
}
