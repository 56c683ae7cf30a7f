package dev.gpumem.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The training run of the class-data-sharing archive (scripts/gpumem, scripts/device-bundle.sh): runs the
 * commands people start most often, in this process with their output discarded, so that the JVM lists the
 * classes they load ({@code -XX:DumpLoadedClassList}) and the archive made from that list holds them. Not a
 * command; nothing is written outside a temp folder it deletes. Fails (exit 1) when a command of the run fails.
 */
public final class ClassArchiveTraining {
    private ClassArchiveTraining() {
    }

    public static void main(String[] args) throws IOException {
        PrintWriter quiet = new PrintWriter(Writer.nullWriter());
        Path dir = Files.createTempDirectory("gpumem-cds");
        try {
            Path in = dir.resolve("requests.jsonl");
            Files.write(in, List.of(
                    "{\"id\":\"t\",\"model\":\"llama-3.2-1b\",\"batch\":2,\"seq\":512,\"gpu\":\"a100-80gb\"}",
                    "{\"id\":\"i\",\"model\":\"gpt2\",\"task\":\"inference\",\"batch\":1,\"seq\":128}",
                    "{\"id\":\"bad\",\"model\":\"gpt2\",\"batch\":0}"));
            String[][] runs = {
                {"--help"}, {"--version"}, {"gpus"}, {"gpus", "--json"}, {"models"}, {"estimate", "--help"},
                {"estimate", "--model", "llama-3.1-8b", "--batch", "2", "--seq", "4096", "--json"},
                {"estimate", "--model", "gpt2", "--gpu", "a100-80gb", "--explain"},
                {"estimate", "--model", "llama-3.2-1b", "--task", "inference", "--json"},
                {"estimate", "--input", in.toString(), "--output", dir.resolve("out.jsonl").toString()},
                {"fit", "--model", "gpt2", "--gpu", "a100-80gb", "--max", "64"},
                {"suggest", "--model", "gpt2", "--gpu", "a100-80gb", "--batch", "8"},
            };
            for (String[] run : runs) {
                int code = Main.run(run, quiet, quiet);
                // the batch holds one bad line on purpose; suggest and fit may find nothing that fits
                if (code != ExitCode.OK.code() && !(run[0].equals("estimate") && run[1].equals("--input"))) {
                    throw new IllegalStateException("training run failed (exit " + code + "): " + String.join(" ", run));
                }
            }
            if (Main.run(new String[] {"estimate", "--model", "no-such-model"}, quiet, quiet) != ExitCode.BAD_INPUT.code()) {
                throw new IllegalStateException("training run: an unknown model was not refused");
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
