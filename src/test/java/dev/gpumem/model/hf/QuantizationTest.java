package dev.gpumem.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.model.Architecture.QuantMethod;
import dev.gpumem.model.Architecture.Quantization;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.TensorSpec;
import dev.gpumem.units.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** quantization_config in Hugging Face's format: quantized block weights plus their constants. */
class QuantizationTest {
    private static final String Q = "model.layers.0.self_attn.q_proj";
    private final ModelLoader loader = new ModelLoader();

    private Inventory llama7b(Map<String, Object> quant) {
        return loader.load("llama-2-7b", Map.of("quantization_config", quant));
    }

    private static TensorSpec tensor(Inventory inv, String name) {
        return inv.tensors().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no tensor " + name));
    }

    @Test
    void bnbNf4StoresBlockWeightsInFourBitsWithOneFp32AbsmaxPer64Elements() {
        Inventory inv = llama7b(Map.of("quant_method", "bitsandbytes", "load_in_4bit", true,
                "bnb_4bit_quant_type", "nf4", "bnb_4bit_compute_dtype", "bfloat16"));
        Quantization q = inv.architecture().quantization();
        assertEquals(QuantMethod.BNB_4BIT, q.method());
        assertEquals(DType.BF16, q.computeDtype());
        assertFalse(q.doubleQuant());
        TensorSpec w = tensor(inv, Q + ".weight");
        assertTrue(w.quantized());
        assertEquals(DType.NF4, w.dtype());
        assertEquals(4096L * 4096 / 2, w.storedBytes());            // 4 bits per element: 8 MiB
        TensorSpec absmax = tensor(inv, Q + ".weight.absmax");
        assertEquals(ParamGroup.QUANT_STATE, absmax.group());
        assertEquals(DType.FP32, absmax.dtype());
        assertEquals(4096L * 4096 / 64, absmax.numel());
        assertEquals(16, tensor(inv, Q + ".weight.quant_map").numel());
        // embeddings, norms and the LM head are not quantized
        assertEquals(DType.FP16, tensor(inv, "model.embed_tokens.weight").dtype());
        assertEquals(DType.FP16, tensor(inv, "lm_head.weight").dtype());
        assertFalse(tensor(inv, "model.layers.0.input_layernorm.weight").quantized());
        // the parameter count is unchanged: a quantized weight still counts its elements
        assertEquals(6_738_415_616L, inv.parameterCount());
    }

    @Test
    void bnbDoubleQuantKeepsUint8AbsmaxAndOneFp32Per256Blocks() {
        Inventory inv = llama7b(Map.of("quant_method", "bitsandbytes", "load_in_4bit", true,
                "bnb_4bit_quant_type", "nf4", "bnb_4bit_use_double_quant", true));
        assertTrue(inv.architecture().quantization().doubleQuant());
        assertEquals(DType.FP32, inv.architecture().quantization().computeDtype());   // BitsAndBytesConfig default
        long blocks = 4096L * 4096 / 64;                                               // 262,144
        TensorSpec absmax = tensor(inv, Q + ".weight.absmax");
        assertEquals(DType.UINT8, absmax.dtype());
        assertEquals(blocks, absmax.numel());
        assertEquals(blocks / 256, tensor(inv, Q + ".weight.nested_absmax").numel());   // 1,024
        assertEquals(256, tensor(inv, Q + ".weight.nested_quant_map").numel());
    }

    @Test
    void bnbFp4IsAlsoFourBits() {
        Inventory inv = llama7b(Map.of("load_in_4bit", true, "bnb_4bit_quant_type", "fp4"));
        assertEquals(4, tensor(inv, Q + ".weight").dtype().bits());
    }

    @Test
    void bnb8BitKeepsOneFp32ScalePerOutputRow() {
        Inventory inv = llama7b(Map.of("quant_method", "bitsandbytes", "load_in_8bit", true));
        assertEquals(QuantMethod.BNB_8BIT, inv.architecture().quantization().method());
        assertEquals(DType.INT8, tensor(inv, "model.layers.0.mlp.down_proj.weight").dtype());
        TensorSpec scb = tensor(inv, "model.layers.0.mlp.gate_proj.SCB");
        assertEquals(List.of(11_008L), scb.shape());
        assertEquals(DType.FP32, scb.dtype());
    }

    @Test
    void gptqAddsPackedZerosFp16ScalesAndGIdxPerGroup() {
        Inventory inv = llama7b(Map.of("quant_method", "gptq", "bits", 4, "group_size", 128, "desc_act", false));
        Quantization q = inv.architecture().quantization();
        assertEquals(QuantMethod.GPTQ, q.method());
        assertEquals(128, q.groupSize());
        assertEquals(DType.INT4, tensor(inv, "model.layers.0.mlp.down_proj.weight").dtype());
        // down_proj: out 4096, in 11008 -> 86 groups
        assertEquals(List.of(86L, 4096L * 4 / 32), tensor(inv, "model.layers.0.mlp.down_proj.qzeros").shape());
        assertEquals(List.of(86L, 4096L), tensor(inv, "model.layers.0.mlp.down_proj.scales").shape());
        assertEquals(DType.FP16, tensor(inv, "model.layers.0.mlp.down_proj.scales").dtype());
        assertEquals(List.of(11_008L), tensor(inv, "model.layers.0.mlp.down_proj.g_idx").shape());
    }

    @Test
    void gptqWithGroupSizeMinusOneHasOneGroupPerColumn() {
        Inventory inv = llama7b(Map.of("quant_method", "gptq", "bits", 8, "group_size", -1));
        assertEquals(List.of(1L, 4096L), tensor(inv, Q + ".scales").shape());
        assertEquals(DType.INT8, tensor(inv, Q + ".weight").dtype());
    }

    @Test
    void awqHasNoGIdx() {
        Inventory inv = llama7b(Map.of("quant_method", "awq", "bits", 4, "group_size", 128, "zero_point", true));
        assertEquals(List.of(32L, 4096L), tensor(inv, Q + ".scales").shape());
        assertFalse(ConfigPropertiesTest.has(inv, Q + ".g_idx"));
    }

    @Test
    void fineGrainedFp8KeepsOneFp32InverseScalePer128x128Block() {
        Inventory inv = llama7b(Map.of("quant_method", "fp8", "weight_block_size", List.of(128, 128)));
        assertEquals(DType.FP8, tensor(inv, Q + ".weight").dtype());
        assertEquals(List.of(32L, 32L), tensor(inv, Q + ".weight_scale_inv").shape());
        assertEquals(List.of(32L, 86L), tensor(inv, "model.layers.0.mlp.down_proj.weight_scale_inv").shape());
    }

    @Test
    void skipModulesStayUnquantized() {
        Inventory inv = llama7b(Map.of("load_in_4bit", true, "llm_int8_skip_modules", List.of("mlp")));
        assertFalse(tensor(inv, "model.layers.0.mlp.up_proj.weight").quantized());
        assertTrue(tensor(inv, Q + ".weight").quantized());
    }

    @Test
    void quantizationConstantsAreNotParameters() {
        Inventory inv = llama7b(Map.of("load_in_4bit", true));
        long constants = inv.count(t -> t.group() == ParamGroup.QUANT_STATE);
        assertTrue(constants > 0);
        assertEquals(6_738_415_616L, inv.parameterCount());
    }

    @Test
    void unknownQuantMethodIsRefusedWithTheAcceptedOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> llama7b(Map.of("quant_method", "quanto")));
        assertTrue(e.getMessage().contains("quant_method"), e.getMessage());
        assertTrue(e.getMessage().contains("gptq"), e.getMessage());
    }

    @Test
    void bitsandbytesNeedsExactlyOneOfFourAndEightBit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> llama7b(Map.of("quant_method", "bitsandbytes", "load_in_4bit", true, "load_in_8bit", true)));
        assertTrue(e.getMessage().contains("load_in_4bit"), e.getMessage());
    }

    @Test
    void gptqBitsOtherThanFourOrEightAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> llama7b(Map.of("quant_method", "gptq", "bits", 3)));
        assertTrue(e.getMessage().contains("'quantization_config.bits'") && e.getMessage().contains("4, 8"), e.getMessage());
    }
}
