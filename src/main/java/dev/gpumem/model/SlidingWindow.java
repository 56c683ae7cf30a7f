package dev.gpumem.model;

import dev.gpumem.input.BadInputException;
import java.util.List;

/**
 * Which decoder blocks attend over a sliding window, and how wide it is, as transformers' config classes lay them
 * out ({@code layer_types}, or the family's default pattern). The KV cache of such a block holds at most the window
 * once decoding starts: transformers' {@code DynamicSlidingWindowLayer} (cache_utils.py) keeps the last
 * {@code sliding_window - 1} tokens as a view of the {@code torch.cat} of the old and new keys and values.
 *
 * @param tokens the window, {@code sliding_window} (0 = none)
 * @param layers indices of the blocks that use it, ascending
 */
public record SlidingWindow(int tokens, List<Integer> layers) {
    /** every block attends to every earlier position */
    public static final SlidingWindow NONE = new SlidingWindow(0, List.of());

    public SlidingWindow {
        layers = List.copyOf(layers);
        if (tokens < 0) {
            throw new BadInputException("sliding_window must be >= 0, got " + tokens);
        }
        if (tokens == 0 && !layers.isEmpty()) {
            throw new BadInputException("blocks " + layers + " use a sliding window, but sliding_window is not set");
        }
    }

    /** @return whether block {@code layer} attends over the window */
    public boolean slides(int layer) {
        return tokens > 0 && layers.contains(layer);
    }

    /** @return the same windows for the first {@code n} blocks */
    public SlidingWindow firstBlocks(int n) {
        return layers.isEmpty() ? this : new SlidingWindow(tokens, layers.stream().filter(i -> i < n).toList());
    }
}
