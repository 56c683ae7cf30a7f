package dev.gpumem.measure.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The DJL layout against published parameter counts (Hugging Face model cards / safetensors totals). */
class DecoderWeightsTest {

    @Test
    void gpt2SmallLayoutHas124439808Parameters() {
        // wte 50257·768 + wpe 1024·768 + 12·(2 LN·2·768 + 4·768² + 4·768 + 2·768·3072 + 3072 + 768) + ln_f 2·768
        // = 38,597,376 + 786,432 + 12·7,087,872 + 1,536 = 124,439,808 (GPT-2 small, tied head)
        assertEquals(124_439_808L, DecoderWeights.parameterCount(Shapes.gpt2(12)));
    }

    @Test
    void llama32OneBLayoutHas1235814400Parameters() {
        // embed 128256·2048 = 262,668,288; per layer q,o 2048² each, k,v 512·2048 each, MLP 3·2048·8192,
        // 2 norms 2048 each = 60,821,504; 16 layers + final norm 2048 = 1,235,814,400 (tied head)
        assertEquals(1_235_814_400L, DecoderWeights.parameterCount(Shapes.llama32_1b(16)));
    }

    @Test
    void parametersGrowLinearlyInLayers() {
        long one = DecoderWeights.parameterCount(Shapes.llama32_1b(1));
        long two = DecoderWeights.parameterCount(Shapes.llama32_1b(2));
        long five = DecoderWeights.parameterCount(Shapes.llama32_1b(5));
        assertEquals(4 * (two - one), five - one);
    }

    @Test
    void layoutMatchesTheShippedPresetsTruncatedToTwoLayers() {
        for (String preset : new String[] {"gpt2", "llama-3.2-1b"}) {
            dev.gpumem.model.Inventory inv = new dev.gpumem.model.hf.ModelLoader().load(preset,
                    java.util.Map.of("num_hidden_layers", 2));
            assertEquals(inv.parameterCount(), DecoderWeights.parameterCount(inv.architecture()), preset);
        }
    }

    @Test
    void layoutMatchesTheInventoryBuilderForLlamaStyleModels() {
        assertEquals(Shapes.inventory(Shapes.llama32_1b(2)).parameterCount(),
                DecoderWeights.parameterCount(Shapes.llama32_1b(2)));
        assertEquals(Shapes.inventory(Shapes.qwen25_05b(2)).parameterCount(),
                DecoderWeights.parameterCount(Shapes.qwen25_05b(2)));
    }
}
