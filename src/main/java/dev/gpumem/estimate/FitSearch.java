package dev.gpumem.estimate;

import dev.gpumem.input.BadInputException;
import java.util.function.IntPredicate;

/**
 * Finds the largest value of a size (micro-batch or sequence length) whose estimate fits, assuming the estimate
 * is monotone in that size: doubling from 1 until a value does not fit, then bisection between the last value
 * that fit and the first that did not. Costs about 2·log2(answer) estimates.
 */
public final class FitSearch {
    private FitSearch() {
    }

    /**
     * @param largest     the largest value that fits, 0 when even 1 does not fit
     * @param firstFailing the smallest value that does not fit, or 0 when every value up to {@code max} fits
     * @param capped       true when {@code max} itself fits (the search stopped at the cap)
     */
    public record Result(int largest, int firstFailing, boolean capped) {
    }

    /**
     * @param fits the test, monotone: fits(n) implies fits(m) for every m &lt; n
     * @param max  the largest value to try (&ge; 1)
     */
    public static Result largest(IntPredicate fits, int max) {
        if (max < 1) {
            throw new BadInputException("max: must be a positive integer, got " + max);
        }
        if (!fits.test(1)) {
            return new Result(0, 1, false);
        }
        int good = 1;
        int bad = 0;
        while (bad == 0) {
            int next = good > max / 2 ? max : good * 2;
            if (next == good) {
                return new Result(good, 0, true);
            }
            if (fits.test(next)) {
                good = next;
            } else {
                bad = next;
            }
        }
        while (bad - good > 1) {
            int mid = good + (bad - good) / 2;
            if (fits.test(mid)) {
                good = mid;
            } else {
                bad = mid;
            }
        }
        return new Result(good, bad, false);
    }
}
