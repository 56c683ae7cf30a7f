package dev.gpumem.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gpumem.model.SlidingWindow;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Which blocks slide, read as transformers' config classes lay them out; expected layer lists written out from
 * the rules in the config classes (cited in {@link SlidingWindows}) and the fixtures' config.json values.
 */
class SlidingWindowsTest {
    private static SlidingWindow of(String fixture) {
        return Fixtures.load(fixture).architecture().slidingWindow();
    }

    private static List<Integer> range(int from, int to, int step) {
        return IntStream.iterate(from, i -> i < to, i -> i + step).boxed().toList();
    }

    @Test
    void gemma2SlidesEveryEvenBlock() {
        // configuration_gemma2.py: "sliding_attention" if bool((i + 1) % 2): blocks 0, 2, ..., 24 of 26
        assertEquals(new SlidingWindow(4096, range(0, 26, 2)), of("gemma2-2b"));
    }

    @Test
    void gemma3SlidesFiveOfEverySixBlocks() {
        // sliding_window_pattern 6 by default: every block but 5, 11, 17, 23, 29 of 34; sliding_window 1024
        List<Integer> sliding = IntStream.range(0, 34).filter(i -> (i + 1) % 6 != 0).boxed().toList();
        assertEquals(29, sliding.size());
        assertEquals(new SlidingWindow(1024, sliding), of("gemma-3-4b"));
    }

    @Test
    void gptOssReadsItsLayerTypes() {
        // config.json layer_types alternate sliding_attention, full_attention over 24 blocks; sliding_window 128
        assertEquals(new SlidingWindow(128, range(0, 24, 2)), of("gpt-oss-20b"));
    }

    @Test
    void phi3AndStarcoder2SlideInEveryBlockBecauseTheirConfigSetsAWindow() {
        assertEquals(new SlidingWindow(2047, range(0, 32, 1)), of("phi3-mini"));
        assertEquals(new SlidingWindow(4096, range(0, 30, 1)), of("starcoder2-3b"));
    }

    @Test
    void qwenSlidesOnlyWithUseSlidingWindowAndFromMaxWindowLayersOn() {
        // qwen1.5-moe: sliding_window 32768 in config.json but use_sliding_window false: no window
        assertEquals(SlidingWindow.NONE, of("qwen1.5-moe-a2.7b"));
        assertEquals(SlidingWindow.NONE, of("qwen3-0.6b"));
        SlidingWindow on = Fixtures.load("qwen1.5-moe-a2.7b", Map.of("use_sliding_window", true)).architecture()
                .slidingWindow();
        assertEquals(new SlidingWindow(32768, range(21, 24, 1)), on);     // max_window_layers 21 of 24
    }

    @Test
    void cohere2SlidesThreeOfEveryFourBlocks() {
        SlidingWindow w = Fixtures.load("command-r-v01", Map.of("model_type", "cohere2", "sliding_window", 4096))
                .architecture().slidingWindow();
        // 40 blocks, every fourth (3, 7, ..., 39) full
        assertEquals(new SlidingWindow(4096, IntStream.range(0, 40).filter(i -> (i + 1) % 4 != 0).boxed().toList()),
                w);
    }

    @Test
    void llama4sRopeBlocksAttendInChunksAndEveryFourthBlockToEverything() {
        // no_rope_layer_interval 4 by default: blocks 3, 7, ..., 47 of 48 are NoPE (full); attention_chunk_size 8192
        List<Integer> chunked = IntStream.range(0, 48).filter(i -> (i + 1) % 4 != 0).boxed().toList();
        assertEquals(36, chunked.size());
        assertEquals(new SlidingWindow(8192, chunked), of("llama4-scout-text"));
    }

    @Test
    void truncatingTheModelKeepsTheWindowsOfTheBlocksLeft() {
        SlidingWindow w = Fixtures.load("gemma2-2b", Map.of("num_hidden_layers", 5)).architecture().slidingWindow();
        assertEquals(new SlidingWindow(4096, List.of(0, 2, 4)), w);
    }
}
