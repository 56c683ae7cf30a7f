package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One real JVM: the exit status and the single stderr line as a shell sees them. */
class ExitStatusProcessTest {
    @Test
    void aBadBatchExitsTwoWithOneLineOnStandardError() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.gpumem.cli.Main", "estimate", "--model", "m", "--batch", "0")).start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the CLI did not exit");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(2, p.exitValue(), err);
        assertEquals("gpumem: error: batch: must be a positive integer, got 0", err);
    }

    @Test
    void standardInputBatchAnswersEveryLineAndExitsTwoWhenOneFailed() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.gpumem.cli.Main", "estimate", "--input", "-")).start();
        p.getOutputStream().write(("{\"id\":\"a\",\"model\":\"m\",\"seq\":0}\n{\"id\":\"b\",\"model\":\"m\","
                + "\"gpu\":\"nope\"}\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the CLI did not exit");
        List<String> out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(2, p.exitValue(), err);
        assertEquals(2, out.size(), out.toString());
        assertTrue(out.get(0).startsWith("{\"id\":\"a\",\"error\":\"seq: must be a positive integer"), out.get(0));
        assertTrue(out.get(1).startsWith("{\"id\":\"b\",\"error\":\"gpu: unknown value 'nope'"), out.get(1));
        assertEquals("gpumem: error: 2 of 2 requests failed; their lines hold {\"id\", \"error\"} objects", err);
    }
}
