package dev.gpumem.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture.QuantMethod;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.TensorSpec;
import dev.gpumem.units.DType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The quantization_config formats added for issue 11 §3: MXFP4, compressed-tensors, torchao, HQQ. */
class QuantizationFormatsTest {
    private static final String Q = "model.layers.0.self_attn.q_proj";
    private final ModelLoader loader = new ModelLoader();

    private Inventory llama7b(Map<String, Object> quant) {
        return loader.load("llama-2-7b", Map.of("quantization_config", quant));
    }

    private static TensorSpec tensor(Inventory inv, String name) {
        return inv.tensors().stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no tensor " + name));
    }

    private static long storedBytes(Inventory inv) {
        return inv.tensors().stream().mapToLong(TensorSpec::storedBytes).sum();
    }

    @Test
    void mxfp4StoresGptOss20bInTheModelCardsCheckpointSize() {
        Inventory inv = Fixtures.load("gpt-oss-20b");
        assertEquals(QuantMethod.MXFP4, inv.architecture().quantization().method());
        TensorSpec w = tensor(inv, "model.layers.0.mlp.experts.gate_up_proj");
        assertEquals(DType.FP4, w.dtype());
        assertEquals(List.of(32L, 5760L, 90L), tensor(inv, "model.layers.0.mlp.experts.gate_up_proj_scales").shape());
        assertFalse(tensor(inv, Q + ".weight").quantized());               // attention stays bf16
        assertFalse(tensor(inv, "model.layers.0.mlp.experts.down_proj_bias").quantized());
        // by hand: expert weights at 4 bits + one uint8 scale per 32 (4.25 bits), everything else bf16
        long expertWeights = 24L * 32 * (2880L * 5760 + 2880L * 2880);
        long expected = expertWeights / 2 + expertWeights / 32 + (20_914_757_184L - expertWeights) * 2;
        assertEquals(expected, storedBytes(inv));
        // gpt-oss model card, table 1: checkpoint size 12.8 GiB
        assertEquals(128, Math.round(storedBytes(inv) * 10.0 / (1L << 30)));
    }

    @Test
    void mxfp4DequantizeLoadsTheExpertsInTheCheckpointDtype() {
        Inventory inv = Fixtures.load("gpt-oss-20b", Map.of("quantization_config",
                Map.of("quant_method", "mxfp4", "dequantize", true)));
        assertFalse(inv.architecture().quantization().enabled());
        assertEquals(DType.BF16, tensor(inv, "model.layers.0.mlp.experts.gate_up_proj").dtype());
        assertEquals(20_914_757_184L * 2, storedBytes(inv));
    }

    @Test
    void compressedTensorsW4a16GroupKeepsPackedWeightsAndBf16GroupScales() {
        Inventory inv = llama7b(Map.of("quant_method", "compressed-tensors", "format", "pack-quantized",
                "config_groups", Map.of("group_0", Map.of("targets", List.of("Linear"),
                        "weights", Map.of("num_bits", 4, "type", "int", "strategy", "group", "group_size", 128,
                                "symmetric", true))),
                "ignore", List.of("lm_head")));
        assertEquals(QuantMethod.COMPRESSED_TENSORS, inv.architecture().quantization().method());
        assertEquals(DType.INT4, tensor(inv, Q + ".weight").dtype());
        TensorSpec scale = tensor(inv, Q + ".weight_scale");
        assertEquals(List.of(4096L, 32L), scale.shape());
        assertEquals(DType.FP16, scale.dtype());        // the preset's checkpoint dtype
        assertEquals(2, tensor(inv, Q + ".weight_shape").numel());
        assertFalse(inv.tensors().stream().anyMatch(t -> t.name().endsWith("weight_zero_point")));
    }

    @Test
    void compressedTensorsFp8PerChannelAndInt8AsymmetricTensor() {
        Inventory fp8 = llama7b(Map.of("quant_method", "compressed-tensors", "format", "float-quantized",
                "config_groups", Map.of("group_0", Map.of("weights",
                        Map.of("num_bits", 8, "type", "float", "strategy", "channel")))));
        assertEquals(DType.FP8, tensor(fp8, Q + ".weight").dtype());
        assertEquals(List.of(4096L, 1L), tensor(fp8, Q + ".weight_scale").shape());
        Inventory int8 = llama7b(Map.of("quant_method", "compressed-tensors",
                "config_groups", Map.of("group_0", Map.of("weights",
                        Map.of("num_bits", 8, "type", "int", "strategy", "tensor", "symmetric", false)))));
        assertEquals(1, tensor(int8, Q + ".weight_scale").numel());
        assertEquals(DType.INT8, tensor(int8, Q + ".weight_zero_point").dtype());
    }

    @Test
    void torchaoInt4WeightOnlyKeepsScaleAndZeroPerGroupOf128() {
        Inventory inv = llama7b(Map.of("quant_method", "torchao", "quant_type", "int4_weight_only",
                "quant_type_kwargs", Map.of("group_size", 128)));
        assertEquals(DType.INT4, tensor(inv, Q + ".weight").dtype());
        TensorSpec sz = tensor(inv, Q + ".weight.scale_and_zero");
        assertEquals(List.of(32L, 4096L, 2L), sz.shape());
        assertEquals(DType.BF16, sz.dtype());
    }

    @Test
    void torchaoSerializedConfigsAndInt8AndFloat8() {
        Inventory int4 = llama7b(Map.of("quant_method", "torchao", "quant_type",
                Map.of("default", Map.of("_type", "Int4WeightOnlyConfig", "_version", 1,
                        "_data", Map.of("group_size", 64)))));
        assertEquals(List.of(64L, 4096L, 2L), tensor(int4, Q + ".weight.scale_and_zero").shape());
        Inventory int8 = llama7b(Map.of("quant_method", "torchao", "quant_type", "int8_weight_only"));
        assertEquals(DType.INT8, tensor(int8, Q + ".weight").dtype());
        assertEquals(DType.INT64, tensor(int8, Q + ".weight.zero_point").dtype());
        Inventory fp8 = llama7b(Map.of("quant_method", "torchao", "quant_type", "float8_weight_only"));
        assertEquals(DType.FP8, tensor(fp8, Q + ".weight").dtype());
        assertEquals(4096, tensor(fp8, Q + ".weight.scale").numel());
    }

    @Test
    void hqqKeepsAScaleAndAZeroPerGroup() {
        Inventory inv = llama7b(Map.of("quant_method", "hqq", "quant_config", Map.of("weight_quant_params",
                Map.of("nbits", 4, "group_size", 64, "axis", 1))));
        assertEquals(QuantMethod.HQQ, inv.architecture().quantization().method());
        assertEquals(DType.INT4, tensor(inv, Q + ".weight").dtype());
        assertEquals(4096L * 4096 / 64, tensor(inv, Q + ".scale").numel());
        assertEquals(DType.FP16, tensor(inv, Q + ".zero").dtype());
        // 4 bits + two fp16 per 64 weights = 4.5 bits a weight
        TensorSpec w = tensor(inv, Q + ".weight");
        long bytes = w.storedBytes() + tensor(inv, Q + ".scale").storedBytes() + tensor(inv, Q + ".zero").storedBytes();
        assertEquals(4096L * 4096 * 9 / 16, bytes);
    }

    @Test
    void unknownFormatsAndBitsStayOneLineErrors() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> llama7b(Map.of("quant_method", "quanto", "weights", "int4")));
        assertTrue(e.getMessage().contains("accepted: bitsandbytes"), e.getMessage());
        assertTrue(e.getMessage().contains("hqq"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertThrows(BadInputException.class, () -> llama7b(Map.of("quant_method", "hqq", "nbits", 3)));
        assertThrows(BadInputException.class, () -> llama7b(Map.of("quant_method", "torchao",
                "quant_type", "uintx_weight_only")));
        assertThrows(BadInputException.class, () -> llama7b(Map.of("quant_method", "compressed-tensors",
                "config_groups", Map.of("g", Map.of("weights", Map.of("num_bits", 2, "type", "int"))))));
    }
}
