package dev.gpumem.cli;

import dev.gpumem.estimate.Suggestions;
import dev.gpumem.estimate.Suggestions.Tried;
import dev.gpumem.io.ResultJson;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.report.SuggestionsWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gpumem suggest}: which single changes lower a request's peak, and a combination that fits its GPU. */
@Command(name = "suggest", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Estimates the request, then each usual memory lever changed alone (checkpointing, sdpa, "
                + "chunked loss, fused or 8-bit optimizer, optimizer in backward, activation offloading, half the "
                + "micro-batch with twice the accumulation, LoRA, pure bf16; for inference an fp8 KV cache and "
                + "4-bit weights), and the greedy combination that fits the --gpu.",
            "Sizes in GiB = 1024³ bytes."},
        footer = {"", "Exit codes: 0 the request or a combination fits; 1 nothing found fits; 2 bad input; "
                + "70 internal error."})
public final class SuggestCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    RequestOptions request;

    @Mixin
    CalibrationOption calibration;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print {request, single: [...], combined} with peak device bytes as JSON")
    boolean json;

    @Override
    public Integer call() throws IOException {
        RunConfig base = request.requireModelAndGpu();
        EstimationService service = new EstimationService(calibration.calibrations());
        Suggestions.Result r = Suggestions.search(base, service::estimate);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("gpu", base.gpu().name());
            m.put("total_bytes", base.gpu().totalBytes());
            m.put("request", tried(r.request()));
            List<Object> single = new ArrayList<>();
            r.single().forEach(t -> single.add(tried(t)));
            m.put("single", single);
            m.put("combined", r.combined() == null ? null : tried(r.combined()));
            out.println(new ResultJson().pretty(m));
        } else {
            out.print(SuggestionsWriter.render(r));
        }
        out.flush();
        boolean fits = r.request().fits() || (r.combined() != null && r.combined().fits());
        return fits ? ExitCode.OK.code() : ExitCode.VERDICT_NEGATIVE.code();
    }

    private static Map<String, Object> tried(Tried t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("changes", t.changes());
        m.put("peak_device_bytes", t.peakDevice());
        m.put("fits", t.fits());
        m.put("headroom_bytes", t.estimate().fit().headroomBytes());
        return m;
    }
}
