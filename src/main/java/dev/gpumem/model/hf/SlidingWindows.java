package dev.gpumem.model.hf;

import dev.gpumem.model.SlidingWindow;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads which blocks attend over a sliding window, as transformers lays them out. A config.json that lists
 * {@code layer_types} is read as written ({@code sliding_attention}, and Llama 4's {@code chunked_attention} over
 * {@code attention_chunk_size}, which transformers' DynamicCache treats alike: cache_utils.py @004999d
 * {@code DynamicCache.__init__}); otherwise each family's config class supplies its default, named by the mapper:
 * <ul>
 *   <li>{@link #everyOther}: Gemma 2, {@code "sliding_attention" if bool((i + 1) % 2)} (configuration_gemma2.py
 *       @008e574; sliding_window defaults to 4096);</li>
 *   <li>{@link #allButEveryNth}: Gemma 3 ({@code sliding_window_pattern}, default 6) and Cohere 2 (default 4),
 *       {@code "sliding_attention" if bool((i + 1) % pattern)} (configuration_gemma3.py, configuration_cohere2.py);</li>
 *   <li>{@link #everyBlockWhenSet}: Mistral, Mixtral, Phi-3, Starcoder2, whose config classes define no
 *       layer_types: DynamicCache makes every block a sliding one when {@code sliding_window} is set (not null);</li>
 *   <li>{@link #qwen}: Qwen2 / Qwen3 (and their MoE): {@code sliding_window} only with {@code use_sliding_window},
 *       for the blocks from {@code max_window_layers} on.</li>
 *   <li>{@link #chunkedRopeBlocks}: Llama 4 text (configuration_llama4.py {@code Llama4TextConfig}): the RoPE blocks
 *       ({@code no_rope_layers[i] == 1}; by default {@code int((i + 1) % no_rope_layer_interval != 0)}, interval 4)
 *       attend in chunks of {@code attention_chunk_size}, and DynamicCache gives them a sliding layer over that many
 *       positions; every fourth (NoPE) block attends to everything.</li>
 * </ul>
 */
final class SlidingWindows {
    private SlidingWindows() {
    }

    /** @return the windows {@code layer_types} lists, or null when config.json has none */
    private static SlidingWindow listed(HfConfig c, int layers) {
        List<String> types = c.strings("layer_types");
        if (types.isEmpty()) {
            return null;
        }
        List<Integer> sliding = new ArrayList<>();
        boolean chunked = false;
        for (int i = 0; i < Math.min(layers, types.size()); i++) {
            String t = types.get(i);
            if (t.equals("sliding_attention") || t.equals("chunked_attention")) {
                sliding.add(i);
                chunked |= t.equals("chunked_attention");
            }
        }
        if (sliding.isEmpty()) {
            return SlidingWindow.NONE;
        }
        int window = chunked && !c.has("sliding_window") ? c.positive("attention_chunk_size")
                : c.positive("sliding_window");
        return new SlidingWindow(window, sliding);
    }

    /** Gemma 2: blocks 0, 2, 4, ... slide (window default 4096). */
    static SlidingWindow everyOther(HfConfig c, int layers) {
        SlidingWindow w = listed(c, layers);
        if (w != null) {
            return w;
        }
        List<Integer> sliding = new ArrayList<>();
        for (int i = 0; i < layers; i += 2) {
            sliding.add(i);
        }
        return new SlidingWindow(c.positiveOr(4096, "sliding_window"), sliding);
    }

    /** Gemma 3 / Cohere 2: every block but each {@code sliding_window_pattern}-th slides (window default 4096). */
    static SlidingWindow allButEveryNth(HfConfig c, int layers, int defaultPattern) {
        SlidingWindow w = listed(c, layers);
        if (w != null) {
            return w;
        }
        int pattern = c.positiveOr(defaultPattern, "sliding_window_pattern");
        List<Integer> sliding = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            if ((i + 1) % pattern != 0) {
                sliding.add(i);
            }
        }
        return new SlidingWindow(c.positiveOr(4096, "sliding_window"), sliding);
    }

    /** Mistral, Mixtral, Phi-3, Starcoder2: every block when {@code sliding_window} is set, else none. */
    static SlidingWindow everyBlockWhenSet(HfConfig c, int layers) {
        SlidingWindow w = listed(c, layers);
        if (w != null) {
            return w;
        }
        if (!c.has("sliding_window")) {
            return SlidingWindow.NONE;
        }
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            all.add(i);
        }
        return new SlidingWindow(c.positive("sliding_window"), all);
    }

    /** Llama 4 text: the RoPE blocks attend in chunks of {@code attention_chunk_size} (cached as a window of it). */
    static SlidingWindow chunkedRopeBlocks(HfConfig c, int layers) {
        SlidingWindow w = listed(c, layers);
        if (w != null) {
            return w;
        }
        if (!c.has("attention_chunk_size")) {
            return SlidingWindow.NONE;
        }
        List<Long> ropeFlags = c.integers("no_rope_layers");
        int interval = c.positiveOr(4, "no_rope_layer_interval");
        List<Integer> chunked = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            boolean rope = ropeFlags.isEmpty() ? (i + 1) % interval != 0 : i < ropeFlags.size() && ropeFlags.get(i) != 0;
            if (rope) {
                chunked.add(i);
            }
        }
        return chunked.isEmpty() ? SlidingWindow.NONE : new SlidingWindow(c.positive("attention_chunk_size"), chunked);
    }

    /** Qwen2 / Qwen3: with {@code use_sliding_window}, the blocks from {@code max_window_layers} on. */
    static SlidingWindow qwen(HfConfig c, int layers) {
        if (!c.flag("use_sliding_window", false) || !c.has("sliding_window")) {
            return SlidingWindow.NONE;
        }
        SlidingWindow w = listed(c, layers);
        if (w != null) {
            return w;
        }
        int from = c.nonNegativeOr(28, "max_window_layers");
        List<Integer> sliding = new ArrayList<>();
        for (int i = from; i < layers; i++) {
            sliding.add(i);
        }
        return sliding.isEmpty() ? SlidingWindow.NONE : new SlidingWindow(c.positive("sliding_window"), sliding);
    }
}
