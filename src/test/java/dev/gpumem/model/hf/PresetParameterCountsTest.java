package dev.gpumem.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gpumem.model.Inventory;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each shipped preset's parameter total against the figure published for the model. Sources:
 * Llama 2: the paper's released sizes and Hugging Face's safetensors metadata for meta-llama/Llama-2-7b-hf
 * (6,738,415,616 = "6.74B"), Llama-2-13b-hf (13,015,864,320) and Llama-2-70b-hf (68,976,648,192); Llama 3.1/3.2: meta-llama/Llama-3.1-8B
 * (8,030,261,248), Llama-3.1-70B (70,553,706,496), Llama-3.2-1B (1,235,814,400) and Llama-3.2-3B (3,212,749,824)
 * model pages ("Model size" from the safetensors index); Mistral-7B-v0.1 (7,241,732,096) and Mixtral-8x7B-v0.1
 * (46,702,792,704) model pages; Qwen2.5-0.5B (494,032,768) and Qwen2.5-7B (7,615,616,512) model pages
 * ("Number of Parameters: 0.49B / 7.61B", exact totals from the safetensors index); GPT-2: 124,439,808 as printed
 * by transformers for GPT2LMHeadModel.from_pretrained("gpt2") (the often-quoted "124M"). Each is also derived by
 * hand in {@link HandArithmeticCountsTest} for the families that have no published exact figure. Qwen3-0.6B
 * (596,049,920: "0.6B, 0.44B non-embedding"), Gemma-2-2B (2,614,341,888) and Phi-3-mini-4k (3,821,079,552) are
 * derived there by hand and equal the model pages' figures.
 */
class PresetParameterCountsTest {
    private final ModelLoader loader = new ModelLoader();

    @ParameterizedTest(name = "{0} has {1} parameters")
    @CsvSource({
        "llama-2-7b, 6738415616",
        "llama-2-13b, 13015864320",
        "llama-2-70b, 68976648192",
        "llama-3.1-8b, 8030261248",
        "llama-3.1-70b, 70553706496",
        "llama-3.2-1b, 1235814400",
        "llama-3.2-3b, 3212749824",
        "mistral-7b-v0.1, 7241732096",
        "mixtral-8x7b, 46702792704",
        "qwen2.5-0.5b, 494032768",
        "qwen2.5-7b, 7615616512",
        "gpt2, 124439808",
        "qwen3-0.6b, 596049920",
        "gemma-2-2b, 2614341888",
        "phi-3-mini, 3821079552",
    })
    void presetMatchesPublishedParameterCount(String preset, long published) {
        Inventory inv = loader.load(preset, Map.of());
        assertEquals(published, inv.parameterCount());
        assertEquals(0, inv.warnings().size(), inv.warnings().toString());
    }
}
