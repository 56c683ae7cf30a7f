package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FitSearchTest {
    @Test
    void findsTheLargestValueThatFitsWhenTheNextDoesNot() {
        for (int limit : new int[] {1, 2, 3, 7, 8, 9, 37, 64, 65, 1000, 4095}) {
            FitSearch.Result r = FitSearch.largest(n -> n <= limit, 1 << 20);
            assertEquals(limit, r.largest(), "limit " + limit);
            assertEquals(limit + 1, r.firstFailing(), "limit " + limit);
            assertFalse(r.capped());
        }
    }

    @Test
    void nothingFitsGivesZero() {
        FitSearch.Result r = FitSearch.largest(n -> false, 100);
        assertEquals(0, r.largest());
        assertEquals(1, r.firstFailing());
    }

    @Test
    void stopsAtTheCapWhenEverythingFits() {
        FitSearch.Result r = FitSearch.largest(n -> true, 100);
        assertEquals(100, r.largest());
        assertTrue(r.capped());
        assertEquals(1, FitSearch.largest(n -> true, 1).largest());
    }

    @Test
    void costsAboutTwoLogEstimates() {
        AtomicInteger calls = new AtomicInteger();
        FitSearch.largest(n -> {
            calls.incrementAndGet();
            return n <= 1000;
        }, 1 << 20);
        assertTrue(calls.get() <= 2 * 11, "calls " + calls);
    }

    @Test
    void rejectsANonPositiveCap() {
        assertThrows(IllegalArgumentException.class, () -> FitSearch.largest(n -> true, 0));
    }
}
