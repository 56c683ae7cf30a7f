package dev.gpumem.cli;

import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.RequestJson;
import dev.gpumem.io.ResultJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The --input loop: one request per line in, one result (or error object) per line out, in order. A bad line
 * gets {@code {"id", "error", "line"}} and the others still run. Blank lines are skipped and produce nothing.
 * Lines are read in chunks whose requests are estimated in parallel (the estimator is stateless) and written in
 * input order; a chunk of 1 streams line by line (standard input).
 */
final class EstimateBatch {
    /** lines estimated together when reading a file */
    static final int FILE_CHUNK = 512;

    private final RequestJson requests;
    private final ResultJson results;
    private final EstimationService service;
    private final boolean terms;
    private final int chunk;

    /**
     * @param chunk lines read before they are estimated together (1 = strictly line by line)
     */
    EstimateBatch(RequestJson requests, ResultJson results, EstimationService service, boolean terms, int chunk) {
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk must be positive, got " + chunk);
        }
        this.requests = requests;
        this.results = results;
        this.service = service;
        this.terms = terms;
        this.chunk = chunk;
    }

    /**
     * @param requests       non-blank lines read
     * @param failed         lines answered with an error object
     * @param internalErrors of those, failures that are gpumem bugs rather than bad input
     */
    record Summary(int requests, int failed, int internalErrors) {
    }

    /** One line's answer. */
    private record Answer(String json, boolean failed, boolean internal) {
    }

    Summary run(BufferedReader in, Appendable out) throws IOException {
        int lineNo = 0;
        int count = 0;
        int failed = 0;
        int internal = 0;
        List<String> lines = new ArrayList<>(chunk);
        List<Integer> numbers = new ArrayList<>(chunk);
        boolean eof = false;
        while (!eof) {
            String line = in.readLine();
            if (line == null) {
                eof = true;
            } else {
                lineNo++;
                if (!line.isBlank()) {
                    lines.add(line);
                    numbers.add(lineNo);
                }
            }
            if (lines.size() == chunk || (eof && !lines.isEmpty())) {
                List<Answer> answers = answerAll(lines, numbers);
                for (Answer a : answers) {
                    out.append(a.json()).append('\n');
                    count++;
                    failed += a.failed() ? 1 : 0;
                    internal += a.internal() ? 1 : 0;
                }
                if (out instanceof PrintWriter pw) {
                    pw.flush();
                }
                lines.clear();
                numbers.clear();
            }
        }
        return new Summary(count, failed, internal);
    }

    private List<Answer> answerAll(List<String> lines, List<Integer> numbers) {
        if (lines.size() == 1) {
            return List.of(answer(lines.get(0), numbers.get(0)));
        }
        return IntStream.range(0, lines.size()).parallel().mapToObj(i -> answer(lines.get(i), numbers.get(i))).toList();
    }

    private Answer answer(String line, int lineNo) {
        String id = null;
        try {
            RunConfig config = requests.parse(line);
            id = config.id();
            Estimate e = service.estimate(config);
            return new Answer(results.toJson(e, terms), false, false);
        } catch (RequestJson.BadRequest e) {
            return new Answer(results.error(e.id(), lineNo, ErrorHandler.oneLine(e.getMessage())), true, false);
        } catch (IllegalArgumentException | UserError e) {
            return new Answer(results.error(id, lineNo, ErrorHandler.oneLine(e.getMessage())), true, false);
        } catch (ArithmeticException e) {
            return new Answer(results.error(id, lineNo, "request: sizes too large, a byte count overflows 64 bits ("
                    + e.getMessage() + ")"), true, false);
        } catch (RuntimeException e) {
            return new Answer(results.error(id, lineNo, "internal error: " + ErrorHandler.oneLine(String.valueOf(e))),
                    true, true);
        }
    }

    static void report(Summary s, PrintWriter err) {
        if (s.failed() > 0) {
            err.println("gpumem: error: " + s.failed() + " of " + s.requests()
                    + " requests failed; their lines hold {\"id\", \"error\"} objects");
        }
    }
}
