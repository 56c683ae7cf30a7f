package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real JVM: a batch streaming into --output that is stopped by a signal leaves FILE as it was and no temp file. */
class InterruptedOutputProcessTest {
    @TempDir
    Path tmp;

    @Test
    void aBatchStoppedBySigtermLeavesTheOutputFileAsItWasAndNoTempFile() throws Exception {
        Path target = tmp.resolve("results.jsonl");
        Files.writeString(target, "the old content\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.gpumem.cli.Main", "estimate", "--input", "-", "--output", target.toString()))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile()).start();
        OutputStream in = p.getOutputStream();
        // one line, and the input stays open: the batch is mid-run, streaming into its temp file
        in.write("{\"id\":\"a\",\"model\":\"gpt2\",\"batch\":1,\"seq\":128}\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (temps().isEmpty() && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        assertEquals(1, temps().size(), "the batch never opened its temp file: " + Files.readString(tmp.resolve("log")));
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the CLI did not exit");
        assertEquals("the old content\n", Files.readString(target));
        assertEquals(List.of(), temps(), "temp files left behind");
    }

    private List<Path> temps() throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList();
        }
    }
}
