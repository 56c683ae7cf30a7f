package dev.gpumem.cli;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.AtomicFiles;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.RequestJson;
import dev.gpumem.io.ResultJson;
import dev.gpumem.report.EstimateTableWriter;
import dev.gpumem.report.ExplainWriter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gpumem estimate}: Predicts memory per phase and level for one request (flags) or many (--input FILE.jsonl). */
@Command(name = "estimate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Predicts memory per phase and level for one request (flags) or many (--input FILE.jsonl).",
            "Request and result fields: validation/REQUEST-SCHEMA.md. Sizes print in GiB = 1024³ bytes."},
        footer = {"", "Exit codes: 0 ok (with --input: every line ok); 1 --fail-if-not-fit and it does not fit; 2 bad input (with --input: at least one line "
                + "got an {\"id\", \"error\"} object, the others still ran); 70 internal error."})
public final class EstimateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    RequestOptions request;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print the result as one JSON object (the result contract)")
    boolean json;

    @Option(names = "--input", paramLabel = "FILE.jsonl",
            description = "read one request per line ('-' = standard input), write one result per line, in order")
    String input;

    @Option(names = "--output", paramLabel = "FILE", description = "write the output to FILE (atomically) instead of standard output")
    Path output;

    @Option(names = "--explain", description = "print every term as formula = values = result, with notes and sources "
            + "(with --json/--input: a \"terms\" array per phase)")
    boolean explain;

    @Option(names = "--print-request", description = "print the request the flags make, as one JSON line of the "
            + "request contract with every default written out (append it to a .jsonl file for --input), and exit 0; "
            + "the model is not read")
    boolean printRequest;

    @Mixin
    CalibrationOption calibration;

    @Option(names = "--fail-if-not-fit", description = "exit 1 when the estimate's device peak exceeds the GPU's "
            + "memory (--gpu); the estimate is printed either way (one request; not with --input)")
    boolean failIfNotFit;

    @Override
    public Integer call() throws IOException {
        RequestJson requests = new RequestJson(GpuPresetsJson.load());
        ResultJson results = new ResultJson();
        EstimationService service = new EstimationService(calibration.calibrations());
        PrintWriter out = spec.commandLine().getOut();
        if (input != null) {
            if (printRequest) {
                throw UserError.badInput("--print-request: prints the request of the flags; it cannot be combined "
                        + "with --input");
            }
            if (failIfNotFit) {
                throw UserError.badInput("--fail-if-not-fit: checks one request; with --input read each line's "
                        + "gpu.fits");
            }
            if (!request.isEmpty()) {
                throw UserError.badInput("--input: request flags (--model, --batch, ...) cannot be combined with "
                        + "--input; put the fields in the file's lines");
            }
            EstimateBatch batch = new EstimateBatch(requests, results, service, explain, EstimateBatch.defaultThreads());
            EstimateBatch.Summary s;
            try (BufferedReader in = open(input)) {
                s = output == null ? batch.run(in, out) : runInto(batch, in, output);
            }
            out.flush();
            EstimateBatch.report(s, spec.commandLine().getErr());
            if (s.internalErrors() > 0) {
                spec.commandLine().getErr().println("gpumem: error: " + s.internalErrors() + " of " + s.requests()
                        + " requests failed internally (first: " + s.firstInternalError() + ")"
                        + (output == null ? "" : "; " + output + " was left unchanged") + "; please report");
                return ExitCode.INTERNAL.code();
            }
            return s.failed() > 0 ? ExitCode.BAD_INPUT.code() : ExitCode.OK.code();
        }
        if (request.model == null) {
            throw UserError.badInput("--model: required (a preset name, a config.json path, a model folder or a "
                    + "Hugging Face id ORG/NAME), or give --input FILE.jsonl");
        }
        RunConfig config = requests.fromMap(request.toRequest(requests));
        if (printRequest) {
            return write(requests.toJson(config) + "\n", out);
        }
        Estimate e = service.estimate(config);
        String text;
        if (json) {
            text = results.toPrettyJson(e, explain) + "\n";
        } else {
            text = EstimateTableWriter.write(e) + (explain ? "\n" + ExplainWriter.write(e) : "");
        }
        write(text, out);
        return failIfNotFit ? fitVerdict(e) : ExitCode.OK.code();
    }

    private int write(String text, PrintWriter out) throws IOException {
        if (output != null) {
            AtomicFiles.writeString(output, text);
        } else {
            out.print(text);
            out.flush();
        }
        return ExitCode.OK.code();
    }

    private int fitVerdict(Estimate e) {
        if (e.fit() == null) {
            throw UserError.badInput("--fail-if-not-fit: the request names no GPU to fit; give --gpu");
        }
        if (e.fit().fits()) {
            return ExitCode.OK.code();
        }
        PrintWriter err = spec.commandLine().getErr();
        err.println("gpumem: does not fit: the estimate's device peak " + dev.gpumem.units.ByteFormat.gib(
                e.fit().peakDevice()) + " exceeds " + e.fit().gpu().name() + "'s "
                + dev.gpumem.units.ByteFormat.gib(e.fit().gpu().totalBytes()) + " by "
                + dev.gpumem.units.ByteFormat.gib(-e.fit().headroomBytes()));
        err.flush();
        return ExitCode.VERDICT_NEGATIVE.code();
    }

    /** Thrown out of the atomic write so that the output file is not replaced; carries the batch's summary. */
    private static final class FailedInternally extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient EstimateBatch.Summary summary;

        FailedInternally(EstimateBatch.Summary summary) {
            super(summary.firstInternalError(), null, false, false);
            this.summary = summary;
        }
    }

    /**
     * Streams the batch into a temp file beside {@code target} and moves it over {@code target} only when no line
     * failed internally; otherwise (or when the run throws) the temp file is deleted and {@code target} is left as
     * it was.
     */
    static EstimateBatch.Summary runInto(EstimateBatch batch, BufferedReader in, Path target)
            throws IOException {
        try {
            EstimateBatch.Summary[] done = new EstimateBatch.Summary[1];
            AtomicFiles.write(target, os -> {
                Writer w = new OutputStreamWriter(os, StandardCharsets.UTF_8);
                done[0] = batch.run(in, w);
                w.flush();
                if (done[0].internalErrors() > 0) {
                    throw new FailedInternally(done[0]);
                }
            });
            return done[0];
        } catch (FailedInternally e) {
            return e.summary;
        }
    }

    private static BufferedReader open(String input) {
        if (input.equals("-")) {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
        try {
            return Files.newBufferedReader(Path.of(input), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw UserError.badInput("--input: no such file: " + input);
        } catch (IOException e) {
            throw new UncheckedIOException("--input: cannot read " + input, e);
        }
    }
}
