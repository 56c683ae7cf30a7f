package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.RequestJson;
import dev.gpumem.io.ResultJson;
import java.io.BufferedReader;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class EstimateBatchTest {
    private static EstimateBatch batch() {
        return batch(3);
    }

    private static EstimateBatch batch(int chunk) {
        EstimationService s = new EstimationService((m, o) -> {
            if (m.endsWith("missing.json")) {
                throw new IllegalArgumentException("model: no such file: " + m);
            }
            return FakeEstimates.tinyInventory(m);
        }, FakeEstimates::estimate);
        return new EstimateBatch(new RequestJson(GpuPresetsJson.load()), new ResultJson(), s, false, chunk);
    }

    @Test
    void keepsGoingAfterABadLineAndKeepsTheOrder() throws Exception {
        String in = String.join("\n",
                "{\"id\":\"a\",\"model\":\"m\",\"batch\":2,\"gpu\":\"a100-80gb\"}",
                "{\"id\":\"b\",\"model\":\"m\",\"batch\":0}",
                "not json",
                "",
                "{\"id\":\"c\",\"model\":\"missing.json\"}",
                "{\"id\":\"d\",\"model\":\"m\",\"batch\":3}") + "\n";
        StringBuilder out = new StringBuilder();
        EstimateBatch.Summary s = batch().run(new BufferedReader(new StringReader(in)), out);
        List<String> lines = out.toString().lines().toList();
        assertEquals(5, lines.size());
        assertEquals(new EstimateBatch.Summary(5, 3, 0), s);
        assertTrue(lines.get(0).startsWith("{\"id\":\"a\",\"params\":"), lines.get(0));
        assertTrue(lines.get(0).contains("\"fits\":true"), lines.get(0));
        assertEquals("{\"id\":\"b\",\"error\":\"batch: must be a positive integer, got 0\",\"line\":2}", lines.get(1));
        assertTrue(lines.get(2).startsWith("{\"id\":null,\"error\":\"request: malformed JSON"), lines.get(2));
        assertTrue(lines.get(2).endsWith("\"line\":3}"), lines.get(2));
        assertEquals("{\"id\":\"c\",\"error\":\"model: no such file: missing.json\",\"line\":5}", lines.get(3));
        assertTrue(lines.get(4).startsWith("{\"id\":\"d\",\"params\":"), lines.get(4));
    }

    @Test
    void parallelChunksKeepTheInputOrder() throws Exception {
        StringBuilder in = new StringBuilder();
        for (int i = 1; i <= 1000; i++) {
            in.append(i % 7 == 0 ? "{\"id\":\"" + i + "\",\"model\":\"m\",\"batch\":0}"
                    : "{\"id\":\"" + i + "\",\"model\":\"m\",\"batch\":" + i + "}").append('\n');
        }
        StringBuilder one = new StringBuilder();
        StringBuilder many = new StringBuilder();
        EstimateBatch.Summary s1 = batch(1).run(new BufferedReader(new StringReader(in.toString())), one);
        EstimateBatch.Summary s2 = batch(128).run(new BufferedReader(new StringReader(in.toString())), many);
        assertEquals(one.toString(), many.toString());
        assertEquals(s1, s2);
        assertEquals(new EstimateBatch.Summary(1000, 142, 0), s2);
        List<String> lines = many.toString().lines().toList();
        for (int i = 1; i <= 1000; i++) {
            assertTrue(lines.get(i - 1).startsWith("{\"id\":\"" + i + "\","), lines.get(i - 1));
        }
    }

    @Test
    void anOverflowingRequestIsABadLineNotACrash() throws Exception {
        StringBuilder out = new StringBuilder();
        // batch × seq × 1 KiB overflows a long in the fake estimator
        EstimateBatch.Summary s = batch().run(new BufferedReader(new StringReader(
                "{\"id\":\"x\",\"model\":\"m\",\"batch\":2147483647,\"seq\":2147483647}\n")), out);
        assertEquals(1, s.failed());
        assertEquals(0, s.internalErrors());
        assertTrue(out.toString().contains("overflows"), out.toString());
    }
}
