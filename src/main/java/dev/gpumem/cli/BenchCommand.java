package dev.gpumem.cli;

import dev.gpumem.estimate.Estimator;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.BenchJson;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.RequestJson;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gpumem bench}: Measures the estimator's speed with System.nanoTime: one estimate (warmed up, then
 * rounds of many iterations; the median per-estimate time over rounds) and a generated batch file run end to end
 * through {@code estimate --input ... --output ...} in this process (median over runs, after one warm-up run).
 * A JMH benchmark of the same estimate lives in src/test/java/dev/gpumem/bench.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measures the estimator's speed: one estimate, and a batch file through estimate --input.")
public final class BenchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", description = "model preset to estimate (default llama-3.1-8b)")
    String model = "llama-3.1-8b";

    @Option(names = "--warmup-seconds", description = "warm-up time before the timed estimate rounds (default 2)")
    double warmupSeconds = 2;

    @Option(names = "--iterations", description = "estimates per round (default: as many as the warm-up ran in half its time, about 1 s)")
    Integer iterations;

    @Option(names = "--rounds", description = "timed estimate rounds (default 5)")
    int rounds = 5;

    @Option(names = "--batch-runs", description = "timed batch runs after one warm-up run (default 3)")
    int batchRuns = 3;

    @Option(names = "--lines", description = "requests in the generated batch file (default 10000)")
    int lines = 10_000;

    @Override
    public Integer call() throws IOException {
        if ((iterations != null && iterations < 1) || rounds < 1 || lines < 1 || batchRuns < 1 || warmupSeconds < 0) {
            throw UserError.badInput("--iterations, --rounds, --batch-runs and --lines: must be positive integers");
        }
        PrintWriter out = spec.commandLine().getOut();
        RequestJson requests = new RequestJson(GpuPresetsJson.load());
        RunConfig config = requests.fromMap(Map.of("model", model, "task", "train", "precision", "amp-bf16",
                "optimizer", "adamw", "batch", 4, "seq", 2048, "gpu", "h100-80gb"));
        Inventory inventory = new ModelLoader().load(model, Map.of());
        Estimator estimator = new Estimator();
        long sink = 0;
        long warm = 0;
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        do {
            sink += estimator.estimate(inventory, config).phases().size();
            warm++;
        } while (System.nanoTime() < warmEnd);
        int n = iterations != null ? iterations : (int) Math.max(1, Math.min(Integer.MAX_VALUE, warm / Math.max(1, 2 * warmupSeconds)));
        double[] perEstimateNs = new double[rounds];
        double[] cpuNs = new double[rounds];          // CPU time of this thread: less sensitive to a shared machine
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean cpuTime = threads.isCurrentThreadCpuTimeSupported();
        for (int r = 0; r < rounds; r++) {
            long c0 = cpuTime ? threads.getCurrentThreadCpuTime() : 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sink += estimator.estimate(inventory, config).phases().size();
            }
            perEstimateNs[r] = (System.nanoTime() - t0) / (double) n;
            cpuNs[r] = cpuTime ? (threads.getCurrentThreadCpuTime() - c0) / (double) n : Double.NaN;
        }
        out.printf(Locale.ROOT, "one estimate (%s, train amp-bf16 adamw, batch 4 x seq 2048): median %.1f µs "
                + "(%d rounds of %d after %d warm-up estimates; min %.1f, max %.1f µs); CPU time median %.1f µs%n",
                model, median(perEstimateNs) / 1e3, rounds, n, warm, min(perEstimateNs) / 1e3,
                max(perEstimateNs) / 1e3, median(cpuNs) / 1e3);
        out.flush();

        Path dir = Files.createTempDirectory("gpumem-bench");
        try {
            Path in = dir.resolve("requests.jsonl");
            Path res = dir.resolve("results.jsonl");
            Files.write(in, BenchJson.requestLines(model, lines));
            String[] args = {"estimate", "--input", in.toString(), "--output", res.toString()};
            PrintWriter quiet = new PrintWriter(Writer.nullWriter());
            PrintWriter err = spec.commandLine().getErr();
            int code = Main.run(args, quiet, err);
            if (code != 0) {
                throw new UserError(ExitCode.INTERNAL, "bench: the generated batch failed with exit code " + code);
            }
            double[] runMs = new double[batchRuns];
            for (int r = 0; r < batchRuns; r++) {
                long t0 = System.nanoTime();
                Main.run(args, quiet, err);
                runMs[r] = (System.nanoTime() - t0) / 1e6;
            }
            out.printf(Locale.ROOT, "%,d-line batch through estimate --input/--output: median %.0f ms "
                    + "(%d runs after 1 warm-up, %d cores; min %.0f, max %.0f ms)%n", lines, median(runMs), batchRuns,
                    Runtime.getRuntime().availableProcessors(), min(runMs),
                    max(runMs));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
        out.flush();
        return sink >= 0 ? ExitCode.OK.code() : ExitCode.INTERNAL.code();
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static double min(double[] xs) {
        return Arrays.stream(xs).min().orElse(0);
    }

    private static double max(double[] xs) {
        return Arrays.stream(xs).max().orElse(0);
    }
}
