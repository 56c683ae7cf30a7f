package dev.gpumem.cli;

import dev.gpumem.input.BadInputException;
import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.RequestJson;
import dev.gpumem.io.ResultJson;
import java.io.BufferedReader;
import java.io.Flushable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The --input loop: one request per line in, one result (or error object) per line out, in order. A bad line
 * gets {@code {"id", "error", "line"}} and the others still run. Blank lines are skipped and produce nothing.
 *
 * <p>Streaming: a reader thread reads line by line and hands each line to a pool of estimating threads (one per
 * core); the calling thread writes the answers in input order as they are ready, flushing whenever the next one
 * is not ready yet. At most {@link #window} lines, and at most {@link #CHARS_IN_FLIGHT} characters of them (a
 * longer line waits until it is alone), are in flight, so memory stays flat in the number and size of lines.
 * Loaded models are shared across the threads through the {@link EstimationService}'s cache.
 */
final class EstimateBatch {
    /** characters of request lines read but not yet answered (a 50 MB line is held alone) */
    static final int CHARS_IN_FLIGHT = 16 << 20;

    private final RequestJson requests;
    private final ResultJson results;
    private final EstimationService service;
    private final boolean terms;
    private final int threads;
    private final int window;

    /**
     * @param threads estimating threads (1 = strictly one line after the other)
     */
    EstimateBatch(RequestJson requests, ResultJson results, EstimationService service, boolean terms, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
        this.requests = requests;
        this.results = results;
        this.service = service;
        this.terms = terms;
        this.threads = threads;
        this.window = Math.max(16, 8 * threads);
    }

    /** One estimating thread per available core. */
    static int defaultThreads() {
        return Runtime.getRuntime().availableProcessors();
    }

    /**
     * @param requests          non-blank lines read
     * @param failed            lines answered with an error object
     * @param internalErrors    of those, failures that are gpumem bugs rather than bad input
     * @param firstInternalError "line N: message" of the first internal failure, null when there was none
     */
    record Summary(int requests, int failed, int internalErrors, String firstInternalError) {
        Summary(int requests, int failed, int internalErrors) {
            this(requests, failed, internalErrors, null);
        }
    }

    /** One line's answer; {@code chars} is what its line counted against {@link #CHARS_IN_FLIGHT}. */
    private record Answer(String json, boolean failed, String internal, int chars) {
        Answer withChars(int n) {
            return new Answer(json, failed, internal, n);
        }
    }

    /** Marks the end of the input in the queue of answers. */
    private static final Future<Answer> END = CompletableFuture.completedFuture(null);

    /**
     * Reads every line of {@code in} and writes one answer per non-blank line to {@code out}, in input order.
     *
     * @throws IOException reading or writing failed (the answers written so far stay written)
     */
    Summary run(BufferedReader in, Appendable out) throws IOException {
        BlockingQueue<Future<Answer>> pending = new ArrayBlockingQueue<>(window);
        Semaphore chars = new Semaphore(CHARS_IN_FLIGHT);
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemons("gpumem-estimate-"));
        Thread reader = daemons("gpumem-batch-reader-").newThread(() -> readAll(in, pending, pool, chars));
        reader.start();
        int count = 0;
        int failed = 0;
        int internal = 0;
        String firstInternal = null;
        try {
            while (true) {
                Future<Answer> next = pending.poll();
                if (next == null || !next.isDone()) {
                    flush(out);       // stream what is ready before waiting for the next answer
                    if (next == null) {
                        next = pending.take();
                    }
                }
                Answer a = get(next);
                if (a == null) {
                    break;
                }
                chars.release(a.chars());
                out.append(a.json()).append('\n');
                count++;
                failed += a.failed() ? 1 : 0;
                if (a.internal() != null) {
                    internal++;
                    firstInternal = firstInternal == null ? a.internal() : firstInternal;
                }
            }
            flush(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while estimating the batch");
        } finally {
            pool.shutdownNow();
            reader.interrupt();
        }
        return new Summary(count, failed, internal, firstInternal);
    }

    /** The reader thread: submits every non-blank line, then {@link #END} (or the read failure). */
    private void readAll(BufferedReader in, BlockingQueue<Future<Answer>> pending, ExecutorService pool,
                         Semaphore chars) {
        try {
            int lineNo = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (!line.isBlank()) {
                    String request = line;
                    int n = lineNo;
                    int weight = Math.min(line.length(), CHARS_IN_FLIGHT);
                    chars.acquire(weight);
                    pending.put(pool.submit(() -> answer(request, n).withChars(weight)));
                }
            }
            pending.put(END);
        } catch (IOException | RuntimeException | Error e) {
            try {
                pending.put(CompletableFuture.failedFuture(e));
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
        } catch (InterruptedException stopped) {
            Thread.currentThread().interrupt();   // the writer gave up; nothing more to do
        }
    }

    /** @return the answer, null at the end of the input */
    private static Answer get(Future<Answer> f) throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (CancellationException e) {
            throw new IllegalStateException("a batch line was cancelled", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            // an Error (out of memory, stack overflow) while estimating or reading: an internal failure
            throw new IllegalStateException("estimating the batch failed: " + cause, cause);
        }
    }

    private Answer answer(String line, int lineNo) {
        String id = null;
        try {
            RunConfig config = requests.parse(line);
            id = config.id();
            Estimate e = service.estimate(config);
            return new Answer(results.toJson(e, terms), false, null, 0);
        } catch (RequestJson.BadRequest e) {
            return new Answer(results.error(e.id(), lineNo, ErrorHandler.oneLine(e.getMessage())), true, null, 0);
        } catch (BadInputException | UserError e) {
            return new Answer(results.error(id, lineNo, ErrorHandler.oneLine(e.getMessage())), true, null, 0);
        } catch (ArithmeticException e) {
            return new Answer(results.error(id, lineNo, "request: sizes too large, a byte count overflows 64 bits ("
                    + e.getMessage() + ")"), true, null, 0);
        } catch (RuntimeException e) {
            String message = "internal error: " + ErrorHandler.oneLine(String.valueOf(e));
            return new Answer(results.error(id, lineNo, message), true, "line " + lineNo + ": " + message, 0);
        }
    }

    private static void flush(Appendable out) throws IOException {
        if (out instanceof Flushable f) {
            f.flush();
        }
    }

    private static ThreadFactory daemons(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    static void report(Summary s, PrintWriter err) {
        if (s.failed() > 0) {
            err.println("gpumem: error: " + s.failed() + " of " + s.requests()
                    + " requests failed; their lines hold {\"id\", \"error\"} objects");
        }
    }
}
