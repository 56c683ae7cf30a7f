package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BenchCommandTest {
    @Test
    void medianOfOddAndEvenCounts() {
        assertEquals(2.0, BenchCommand.median(new double[] {3, 1, 2}));
        assertEquals(2.5, BenchCommand.median(new double[] {4, 1, 2, 3}));
    }
}
