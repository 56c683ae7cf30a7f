package dev.gpumem.cli;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.FitSearch;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.ResultJson;
import dev.gpumem.report.EstimateTableWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntPredicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gpumem fit}: Finds the largest micro-batch (or sequence length) that fits a GPU. */
@Command(name = "fit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Finds the largest micro-batch (or, with --by seq, sequence length) whose peak device memory "
                + "fits the --gpu, by doubling then bisection (the estimate is monotone in both).",
            "For inference requests --by batch also sets inference.batch, --by seq also sets inference.context_tokens."},
        footer = {"", "Exit codes: 0 a size fits; 1 even 1 does not fit; 2 bad input; 70 internal error."})
public final class FitCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    RequestOptions request;

    @Spec
    CommandSpec spec;

    @Option(names = "--by", description = "batch | seq (default batch)")
    String by = "batch";

    @Option(names = "--max", description = "largest size to try (default 1048576)")
    int max = 1 << 20;

    @Option(names = "--json", description = "print {by, largest, first_failing, capped, gpu, total_bytes, "
            + "peak_device_bytes, headroom_bytes} as JSON")
    boolean json;

    @Mixin
    CalibrationOption calibration;

    @Override
    public Integer call() throws IOException {
        if (!by.equals("batch") && !by.equals("seq")) {
            throw UserError.badInput("--by: unknown value '" + by + "'; accepted: batch, seq");
        }
        if (max < 1) {
            throw UserError.badInput("--max: must be a positive integer, got " + max);
        }
        RunConfig base = request.requireModelAndGpu();
        EstimationService service = new EstimationService(calibration.calibrations());
        Map<Integer, Estimate> tried = new ConcurrentHashMap<>();
        IntPredicate fits = n -> {
            try {
                Estimate e = service.estimate(resize(base, by, n));
                tried.put(n, e);
                return e.fit().fits();
            } catch (ArithmeticException overflow) {
                return false; // a byte count beyond 64 bits certainly does not fit
            }
        };
        // the search's next questions are estimated ahead on the other cores; its answers are the same as alone
        int cores = Runtime.getRuntime().availableProcessors();
        ExecutorService pool = Executors.newFixedThreadPool(cores, r -> {
            Thread t = new Thread(r, "gpumem-fit");
            t.setDaemon(true);
            return t;
        });
        FitSearch.Result r;
        try {
            r = FitSearch.largest(new SpeculativeFitTests(fits, max, SpeculativeFitTests.depthFor(cores), pool), max);
        } finally {
            pool.shutdownNow();
        }

        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("by", by);
            m.put("largest", r.largest());
            m.put("first_failing", r.firstFailing() == 0 ? null : r.firstFailing());
            m.put("capped", r.capped());
            m.put("gpu", base.gpu().name());
            m.put("total_bytes", base.gpu().totalBytes());
            if (r.largest() > 0) {
                Estimate e = tried.get(r.largest());
                m.put("peak_device_bytes", e.fit().peakDevice());
                m.put("headroom_bytes", e.fit().headroomBytes());
            }
            out.println(new ResultJson().pretty(m));
        } else if (r.largest() == 0) {
            Estimate one = tried.get(1);
            out.println("even " + by + " 1 does not fit: "
                    + (one == null ? "a byte count overflows 64 bits" : EstimateTableWriter.fitLine(one.fit())));
        } else {
            Estimate e = tried.get(r.largest());
            out.println("largest " + by + " that fits " + base.gpu().name() + ": " + r.largest()
                    + (r.capped() ? " (the --max cap; larger may fit too)" : ""));
            out.println("  at " + by + " " + r.largest() + ": " + EstimateTableWriter.fitLine(e.fit()));
            if (r.firstFailing() > 0) {
                Estimate next = tried.get(r.firstFailing());
                out.println("  at " + by + " " + r.firstFailing() + ": " + (next == null
                        ? "a byte count overflows 64 bits" : EstimateTableWriter.fitLine(next.fit())));
            }
        }
        out.flush();
        return r.largest() == 0 ? ExitCode.VERDICT_NEGATIVE.code() : ExitCode.OK.code();
    }

    /**
     * @return the request with the searched size set; for inference, batch also sets inference.batch and seq also
     *         sets inference.context_tokens (the prompt fills the cache)
     */
    static RunConfig resize(RunConfig c, String by, int n) {
        boolean seq = by.equals("seq");
        RunConfig b = seq ? c.withSeq(n) : c.withBatch(n);
        if (c.task() != RunConfig.Task.INFERENCE) {
            return b;
        }
        RunConfig.Inference i = c.inference();
        RunConfig.Inference resized = seq ? new RunConfig.Inference(i.batch(), n, i.kvCacheDtype())
                : new RunConfig.Inference(n, i.contextTokens(), i.kvCacheDtype());
        return new RunConfig(b.id(), b.model(), b.modelOverrides(), b.task(), b.precision(), b.masterWeights(),
                b.optimizer(), b.batch(), b.seq(), b.gradAccum(), b.checkpointing(), b.attention(), b.finetune(),
                b.parallel(), b.options(), resized, b.gpu(), b.compat(), b.framework());
    }
}
