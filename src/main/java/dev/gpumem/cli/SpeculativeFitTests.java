package dev.gpumem.cli;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.IntPredicate;

/**
 * The fit test of {@link dev.gpumem.estimate.FitSearch#largest} run on several cores: the search still asks its
 * questions one after the other and decides exactly as alone, but when it asks for n, the values it may ask for
 * next (after a yes and after a no, {@code depth} questions ahead) are started on other threads. A guess that the
 * search does not take costs only CPU time; every answer is computed once.
 *
 * <p>The guesses mirror FitSearch's rule: doubling from 1 (capped at max) until a value does not fit, then the
 * middle of the last value that fit and the first that did not.
 */
final class SpeculativeFitTests implements IntPredicate {
    private final IntPredicate fits;
    private final int max;
    private final int depth;
    private final Executor executor;
    private final Map<Integer, CompletableFuture<Boolean>> started = new ConcurrentHashMap<>();
    /** the search's state as its answers so far imply: the largest value that fit, the smallest that did not */
    private int good;
    private int bad;

    /**
     * @param fits     the (thread-safe) test
     * @param max      the search's cap
     * @param depth    questions guessed ahead (2^depth − 2 values started besides the one asked); 0 = none
     * @param executor where the guesses run
     */
    SpeculativeFitTests(IntPredicate fits, int max, int depth, Executor executor) {
        this.fits = fits;
        this.max = max;
        this.depth = depth;
        this.executor = executor;
    }

    /**
     * @return the guessing depth for this many cores: the largest d whose 2^(d+1) − 2 guesses (both children of
     *         each level) run at once; 0 on one core
     */
    static int depthFor(int cores) {
        int d = 0;
        while ((1 << (d + 2)) - 2 <= cores) {
            d++;
        }
        return d;
    }

    @Override
    public boolean test(int n) {
        CompletableFuture<Boolean> answer = start(n);
        if (n >= 1) {
            guess(n, good, bad, depth);
        }
        boolean yes = join(answer);
        if (yes) {
            good = Math.max(good, n);
        } else if (bad == 0 || n < bad) {
            bad = n;
        }
        return yes;
    }

    /** Starts the values asked after n's yes and after its no, {@code left} levels deep. */
    private void guess(int n, int g, int b, int left) {
        if (left <= 0) {
            return;
        }
        int afterYes = next(Math.max(g, n), b);
        int afterNo = next(g, n);
        if (afterYes > 0) {
            start(afterYes);
            guess(afterYes, Math.max(g, n), b, left - 1);
        }
        if (afterNo > 0) {
            start(afterNo);
            guess(afterNo, g, n, left - 1);
        }
    }

    /** @return the value FitSearch asks next with this state, 0 when it stops */
    private int next(int g, int b) {
        if (g == 0) {
            return 0;                                   // 1 did not fit: the search is over
        }
        if (b == 0) {
            int next = g > max / 2 ? max : g * 2;
            return next == g ? 0 : next;
        }
        return b - g > 1 ? g + (b - g) / 2 : 0;
    }

    private CompletableFuture<Boolean> start(int n) {
        return started.computeIfAbsent(n, k -> CompletableFuture.supplyAsync(() -> fits.test(k), executor));
    }

    private static boolean join(CompletableFuture<Boolean> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while searching", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
