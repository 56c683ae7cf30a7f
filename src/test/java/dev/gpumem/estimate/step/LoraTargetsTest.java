package dev.gpumem.estimate.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.TinyModels;
import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.Traits;
import dev.gpumem.model.hf.ModelLoader;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.TensorSpec;
import dev.gpumem.units.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoraTargetsTest {
    /** The tiny model with GPT-NeoX naming: one fused query_key_value (3h × h), dense, dense_h_to_4h, dense_4h_to_h. */
    static Inventory neoxLike() {
        Inventory base = TinyModels.tiny();
        List<TensorSpec> out = new ArrayList<>();
        for (TensorSpec t : base.tensors()) {
            String m = t.moduleName();
            String prefix = "gpt_neox.layers." + t.layer() + ".";
            switch (m) {
                case "q_proj" -> out.add(TensorSpec.of(prefix + "attention.query_key_value.weight", DType.BF16,
                        ParamGroup.ATTENTION, t.layer(), 192, 64));
                case "k_proj", "v_proj" -> { }
                case "o_proj" -> out.add(TensorSpec.of(prefix + "attention.dense.weight", DType.BF16,
                        ParamGroup.ATTENTION, t.layer(), 64, 64));
                case "gate_proj" -> { }
                case "up_proj" -> out.add(TensorSpec.of(prefix + "mlp.dense_h_to_4h.weight", DType.BF16,
                        ParamGroup.MLP, t.layer(), 128, 64));
                case "down_proj" -> out.add(TensorSpec.of(prefix + "mlp.dense_4h_to_h.weight", DType.BF16,
                        ParamGroup.MLP, t.layer(), 64, 128));
                default -> out.add(t);
            }
        }
        // GPT-NeoX's blocks: LayerNorm, a plain GELU MLP, attention and MLP in parallel
        Traits neox = Traits.plain(NormKind.LAYER_NORM, MlpKind.PLAIN, Activation.GELU, PositionKind.ROPE, false, true);
        return new Inventory("neox-like", base.architecture().withTraits(neox), out, List.of());
    }

    @Test
    void qAndVTargetsSelectAFusedQkvProjection() {
        assertEquals(Set.of("query_key_value"), LoraTargets.modules(neoxLike(), List.of("q_proj", "v_proj")));
        assertEquals(Set.of("q_proj"), LoraTargets.roles(neoxLike(), Set.of("query_key_value")));
    }

    @Test
    void plainMlpModulesMapToFc1AndFc2ByShape() {
        assertEquals(Set.of("fc1", "fc2"), LoraTargets.roles(neoxLike(), Set.of("dense_h_to_4h", "dense_4h_to_h")));
        assertEquals(Set.of("o_proj"), LoraTargets.roles(neoxLike(), Set.of("dense")));
    }

    @Test
    void qwen1sW2IsAWideningProjectionAndItsMlpCProjTheDownProjection() {
        // Qwen-1 (modeling_qwen.py QWenMLP): a1 = w1(x), a2 = w2(x), c_proj(a1 * silu(a2)); w1 and w2 are
        // [intermediate_size / 2, h], mlp.c_proj [h, intermediate_size / 2]; "c_proj" names attn.c_proj too, and
        // PEFT's target_modules match both
        Inventory qwen = new ModelLoader().load("qwen-7b", java.util.Map.of());
        assertEquals(Set.of("o_proj", "gate_proj", "up_proj", "down_proj"),
                LoraTargets.roles(qwen, Set.of("w1", "w2", "c_proj")));
        assertEquals(Set.of("up_proj"), LoraTargets.roles(qwen, Set.of("w2")));
    }

    @Test
    void exactNamesWinAndUnknownNamesAreRefused() {
        assertEquals(Set.of("q_proj", "v_proj"), LoraTargets.modules(TinyModels.tiny(), List.of("q_proj", "v_proj")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoraTargets.modules(TinyModels.tiny(), List.of("c_attn")));
        assertTrue(e.getMessage().startsWith("finetune.targets: no module 'c_attn'"), e.getMessage());
    }
}
