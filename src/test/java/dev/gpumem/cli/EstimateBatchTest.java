package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.RequestJson;
import dev.gpumem.io.ResultJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.Reader;
import java.io.Writer;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class EstimateBatchTest {
    private static EstimateBatch batch() {
        return batch(3);
    }

    private static EstimateBatch batch(int threads) {
        EstimationService s = new EstimationService((m, o) -> {
            if (m.endsWith("missing.json")) {
                throw new dev.gpumem.input.BadInputException("model: no such file: " + m);
            }
            return FakeEstimates.tinyInventory(m);
        }, (inv, c) -> {
            if (c.id() != null && c.id().startsWith("bug")) {
                throw new NullPointerException("a bug in the estimator");
            }
            return FakeEstimates.estimate(inv, c);
        });
        return new EstimateBatch(new RequestJson(GpuPresetsJson.load()), new ResultJson(), s, false, threads);
    }

    @Test
    void keepsGoingAfterABadLineAndKeepsTheOrder() throws Exception {
        String in = String.join("\n",
                "{\"id\":\"a\",\"model\":\"m\",\"batch\":2,\"gpu\":\"a100-80gb\"}",
                "{\"id\":\"b\",\"model\":\"m\",\"batch\":0}",
                "not json",
                "",
                "{\"id\":\"c\",\"model\":\"missing.json\"}",
                "{\"id\":\"d\",\"model\":\"m\",\"batch\":3}") + "\n";
        StringBuilder out = new StringBuilder();
        EstimateBatch.Summary s = batch().run(new BufferedReader(new StringReader(in)), out);
        List<String> lines = out.toString().lines().toList();
        assertEquals(5, lines.size());
        assertEquals(new EstimateBatch.Summary(5, 3, 0), s);
        assertTrue(lines.get(0).startsWith("{\"id\":\"a\",\"params\":"), lines.get(0));
        assertTrue(lines.get(0).contains("\"fits\":true"), lines.get(0));
        assertEquals("{\"id\":\"b\",\"error\":\"batch: must be a positive integer, got 0\",\"line\":2}", lines.get(1));
        assertTrue(lines.get(2).startsWith("{\"id\":null,\"error\":\"request: malformed JSON"), lines.get(2));
        assertTrue(lines.get(2).endsWith("\"line\":3}"), lines.get(2));
        assertEquals("{\"id\":\"c\",\"error\":\"model: no such file: missing.json\",\"line\":5}", lines.get(3));
        assertTrue(lines.get(4).startsWith("{\"id\":\"d\",\"params\":"), lines.get(4));
    }

    @Test
    void parallelThreadsKeepTheInputOrder() throws Exception {
        StringBuilder in = new StringBuilder();
        for (int i = 1; i <= 1000; i++) {
            in.append(i % 7 == 0 ? "{\"id\":\"" + i + "\",\"model\":\"m\",\"batch\":0}"
                    : "{\"id\":\"" + i + "\",\"model\":\"m\",\"batch\":" + i + "}").append('\n');
        }
        StringBuilder one = new StringBuilder();
        StringBuilder many = new StringBuilder();
        EstimateBatch.Summary s1 = batch(1).run(new BufferedReader(new StringReader(in.toString())), one);
        EstimateBatch.Summary s2 = batch(4).run(new BufferedReader(new StringReader(in.toString())), many);
        assertEquals(one.toString(), many.toString());
        assertEquals(s1, s2);
        assertEquals(new EstimateBatch.Summary(1000, 142, 0), s2);
        List<String> lines = many.toString().lines().toList();
        for (int i = 1; i <= 1000; i++) {
            assertTrue(lines.get(i - 1).startsWith("{\"id\":\"" + i + "\","), lines.get(i - 1));
        }
    }

    @Test
    void anOverflowingRequestIsABadLineNotACrash() throws Exception {
        StringBuilder out = new StringBuilder();
        // batch × seq × 1 KiB overflows a long in the fake estimator
        EstimateBatch.Summary s = batch().run(new BufferedReader(new StringReader(
                "{\"id\":\"x\",\"model\":\"m\",\"batch\":2147483647,\"seq\":2147483647}\n")), out);
        assertEquals(1, s.failed());
        assertEquals(0, s.internalErrors());
        assertTrue(out.toString().contains("overflows"), out.toString());
    }
    @Test
    void aFiftyMegabyteStringIsABadLineWithItsNumber() throws Exception {
        String huge = "x".repeat(50_000_000);
        String in = "{\"id\":\"big\",\"model\":\"" + huge + "\"}\n{\"id\":\"a\",\"model\":\"m\",\"batch\":1}\n";
        StringBuilder out = new StringBuilder();
        EstimateBatch.Summary s = batch().run(new BufferedReader(new StringReader(in)), out);
        List<String> lines = out.toString().lines().toList();
        assertEquals(new EstimateBatch.Summary(2, 1, 0), s);
        assertTrue(lines.get(0).startsWith("{\"id\":null,\"error\":\"request: cannot read the JSON: String value length"),
                lines.get(0));
        assertTrue(lines.get(0).endsWith(",\"line\":1}"), lines.get(0));
        assertFalse(lines.get(0).contains("internal"), lines.get(0));
        assertTrue(lines.get(1).startsWith("{\"id\":\"a\",\"params\":"), lines.get(1));
    }

    @Test
    void everyErrorObjectCarriesItsLineNumber() throws Exception {
        String in = "{\"id\":\"\",\"model\":\"missing.json\"}\n\n{\"model\":\"missing.json\"}\n[1]\n"
                + "{\"id\":\"bug1\",\"model\":\"m\"}\n";
        StringBuilder out = new StringBuilder();
        EstimateBatch.Summary s = batch().run(new BufferedReader(new StringReader(in)), out);
        List<String> lines = out.toString().lines().toList();
        assertEquals(4, lines.size());
        int[] expected = {1, 3, 4, 5};
        for (int i = 0; i < 4; i++) {
            assertTrue(lines.get(i).endsWith(",\"line\":" + expected[i] + "}"), lines.get(i));
        }
        assertEquals(1, s.internalErrors());
        assertEquals("line 5: internal error: java.lang.NullPointerException: a bug in the estimator",
                s.firstInternalError());
    }

    @Test
    void theFirstAnswerIsWrittenBeforeTheInputEnds() {
        // the input blocks after its first line until the first answer has been written: a batch that buffered
        // its input or its output would wait forever
        CountDownLatch answered = new CountDownLatch(1);
        Reader in = new Reader() {
            private final Reader first = new StringReader("{\"id\":\"a\",\"model\":\"m\",\"batch\":1}\n");
            private boolean second;

            @Override
            public int read(char[] buf, int off, int len) throws IOException {
                int n = first.read(buf, off, len);
                if (n > 0 || second) {
                    return n;
                }
                second = true;
                try {
                    if (!answered.await(20, TimeUnit.SECONDS)) {
                        throw new IOException("no answer was written while the input was open");
                    }
                } catch (InterruptedException e) {
                    throw new InterruptedIOException();
                }
                return -1;
            }

            @Override
            public void close() {
            }
        };
        StringBuilder text = new StringBuilder();
        Writer out = new Writer() {
            @Override
            public void write(char[] buf, int off, int len) {
                text.append(buf, off, len);
            }

            @Override
            public void flush() {
                if (text.indexOf("\n") >= 0) {
                    answered.countDown();
                }
            }

            @Override
            public void close() {
            }
        };
        EstimateBatch.Summary s = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> batch(2).run(new BufferedReader(in), out));
        assertEquals(new EstimateBatch.Summary(1, 0, 0), s);
        assertTrue(text.toString().startsWith("{\"id\":\"a\",\"params\":"), text.toString());
    }

    @Test
    void readsOnlyABoundedWindowAheadOfTheOutput() throws Exception {
        // 100,000 lines; when the first answer is written, only a window of lines may have been read
        AtomicInteger linesRead = new AtomicInteger();
        Reader in = new Reader() {
            private final char[] line = "{\"id\":\"a\",\"model\":\"m\",\"batch\":1}\n".toCharArray();
            private int pos;

            @Override
            public int read(char[] buf, int off, int len) {
                if (linesRead.get() == 100_000) {
                    return -1;
                }
                buf[off] = line[pos++];
                if (pos == line.length) {
                    pos = 0;
                    linesRead.incrementAndGet();
                }
                return 1;
            }

            @Override
            public void close() {
            }
        };
        int[] readAtFirstAnswer = {-1};
        int[] answers = {0};
        Appendable out = new Appendable() {
            @Override
            public Appendable append(CharSequence cs) {
                if (readAtFirstAnswer[0] < 0) {
                    readAtFirstAnswer[0] = linesRead.get();
                }
                return this;
            }

            @Override
            public Appendable append(CharSequence cs, int start, int end) {
                return append(cs.subSequence(start, end));
            }

            @Override
            public Appendable append(char c) {
                answers[0] += c == '\n' ? 1 : 0;
                return this;
            }
        };
        EstimateBatch.Summary s = batch(2).run(new BufferedReader(in, 1), out);
        assertEquals(100_000, s.requests());
        assertEquals(100_000, answers[0]);
        // the window (16 lines for 2 threads) plus the lines being handed over and the one being read
        assertTrue(readAtFirstAnswer[0] <= 16 + 4, "lines read before the first answer: " + readAtFirstAnswer[0]);
    }
}
