package dev.gpumem.estimate.optim;

import java.util.List;

/**
 * A trainable tensor as the optimizer sees it on this rank.
 *
 * @param symbol   how formulas name its element count, e.g. {@code q_proj}
 * @param shape    full shape (for factored statistics), outermost first
 * @param numel    elements held on this rank (after ZeRO/TP sharding)
 * @param sharded  whether {@code numel} is a shard (factored statistics are then split by the same ratio)
 */
public record ParamShape(String symbol, List<Long> shape, long numel, boolean sharded) {
    public ParamShape {
        shape = List.copyOf(shape);
        if (numel <= 0) {
            throw new IllegalArgumentException("parameter " + symbol + " has " + numel + " elements");
        }
    }

    public long fullNumel() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
