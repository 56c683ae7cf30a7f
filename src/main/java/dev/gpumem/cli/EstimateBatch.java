package dev.gpumem.cli;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.RequestJson;
import dev.gpumem.io.ResultJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * The --input loop: one request per line in, one result (or error object) per line out, in order. A bad line
 * gets {@code {"id", "error", "line"}} and the others still run. Blank lines are skipped and produce nothing.
 */
final class EstimateBatch {
    private final RequestJson requests;
    private final ResultJson results;
    private final EstimationService service;
    private final boolean terms;

    EstimateBatch(RequestJson requests, ResultJson results, EstimationService service, boolean terms) {
        this.requests = requests;
        this.results = results;
        this.service = service;
        this.terms = terms;
    }

    /**
     * @param requests       non-blank lines read
     * @param failed         lines answered with an error object
     * @param internalErrors of those, failures that are gpumem bugs rather than bad input
     */
    record Summary(int requests, int failed, int internalErrors) {
    }

    Summary run(BufferedReader in, Appendable out) throws IOException {
        int lineNo = 0;
        int count = 0;
        int failed = 0;
        int internal = 0;
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            count++;
            String id = null;
            String result;
            try {
                RunConfig config = requests.parse(line);
                id = config.id();
                Estimate e = service.estimate(config);
                result = results.toJson(e, terms);
            } catch (RequestJson.BadRequest e) {
                failed++;
                result = results.error(e.id(), lineNo, ErrorHandler.oneLine(e.getMessage()));
            } catch (IllegalArgumentException e) {
                failed++;
                result = results.error(id, lineNo, ErrorHandler.oneLine(e.getMessage()));
            } catch (UserError e) {
                failed++;
                result = results.error(id, lineNo, ErrorHandler.oneLine(e.getMessage()));
            } catch (ArithmeticException e) {
                failed++;
                result = results.error(id, lineNo, "request: sizes too large, a byte count overflows 64 bits ("
                        + e.getMessage() + ")");
            } catch (RuntimeException e) {
                failed++;
                internal++;
                result = results.error(id, lineNo, "internal error: " + ErrorHandler.oneLine(String.valueOf(e)));
            }
            out.append(result).append('\n');
        }
        return new Summary(count, failed, internal);
    }

    static void report(Summary s, PrintWriter err) {
        if (s.failed() > 0) {
            err.println("gpumem: error: " + s.failed() + " of " + s.requests()
                    + " requests failed; their lines hold {\"id\", \"error\"} objects");
        }
    }
}
