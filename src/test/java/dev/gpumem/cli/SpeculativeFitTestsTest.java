package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.FitSearch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

class SpeculativeFitTestsTest {
    @Test
    void theSearchAsksTheSameQuestionsAndFindsTheSameAnswerAsAlone() {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Random random = new Random(13);
            for (int trial = 0; trial < 300; trial++) {
                int max = 1 + random.nextInt(trial % 3 == 0 ? 100 : 1 << 20);
                int limit = random.nextInt(max + 2);
                // every third predicate is not monotone: the decisions must still be the search's own
                long noise = random.nextLong();
                IntPredicate fits = trial % 3 == 2 ? n -> n <= limit || ((n * 0x9E3779B97F4A7C15L ^ noise) & 3) == 0
                        : n -> n <= limit;
                List<Integer> aloneAsked = new ArrayList<>();
                FitSearch.Result alone = FitSearch.largest(n -> {
                    aloneAsked.add(n);
                    return fits.test(n);
                }, max);
                for (int depth = 0; depth <= 3; depth++) {
                    List<Integer> asked = new ArrayList<>();
                    Set<Integer> computed = ConcurrentHashMap.newKeySet();
                    SpeculativeFitTests spec = new SpeculativeFitTests(n -> {
                        assertTrue(computed.add(n), "computed twice: " + n);
                        return fits.test(n);
                    }, max, depth, pool);
                    FitSearch.Result r = FitSearch.largest(n -> {
                        asked.add(n);
                        return spec.test(n);
                    }, max);
                    assertEquals(alone, r, "max " + max + ", limit " + limit + ", depth " + depth);
                    assertEquals(aloneAsked, asked);
                    assertTrue(computed.containsAll(asked));
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void guessesOnlyAsDeepAsTheCoresCanRunAtOnce() {
        assertEquals(0, SpeculativeFitTests.depthFor(1));
        assertEquals(1, SpeculativeFitTests.depthFor(2));   // both children of the question: 2 values
        assertEquals(1, SpeculativeFitTests.depthFor(5));
        assertEquals(2, SpeculativeFitTests.depthFor(6));   // 2 + 4
        assertEquals(3, SpeculativeFitTests.depthFor(14));  // 2 + 4 + 8
    }
}
