package dev.gpumem.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.model.Inventory;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.TensorSpec;
import dev.gpumem.units.DType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local model folder: config.json for the architecture, safetensors headers for the exact tensors. */
class SafetensorsFolderTest {
    private static final String TINY_LLAMA = """
            {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 8, "intermediate_size": 16,
             "num_attention_heads": 2, "num_key_value_heads": 1, "num_hidden_layers": 2, "vocab_size": 10,
             "torch_dtype": "bfloat16"}""";

    @TempDir
    Path dir;

    /** Writes the 8-byte little-endian header length, the header, then a few zero bytes instead of the weights. */
    static void writeSafetensors(Path file, String header) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        Files.write(file, b.array());
    }

    private void tinyModel() throws IOException {
        Files.writeString(dir.resolve("config.json"), TINY_LLAMA);
        writeSafetensors(dir.resolve("model-00001-of-00002.safetensors"), """
                {"__metadata__": {"format": "pt"},
                 "model.embed_tokens.weight": {"dtype": "BF16", "shape": [10, 8], "data_offsets": [0, 160]},
                 "model.layers.0.self_attn.q_proj.weight": {"dtype": "BF16", "shape": [8, 8], "data_offsets": [160, 288]},
                 "model.layers.0.self_attn.k_proj.weight": {"dtype": "BF16", "shape": [4, 8], "data_offsets": [288, 352]},
                 "model.layers.0.input_layernorm.weight": {"dtype": "F32", "shape": [8], "data_offsets": [352, 384]}}""");
        writeSafetensors(dir.resolve("model-00002-of-00002.safetensors"), """
                {"model.layers.1.mlp.gate_proj.weight": {"dtype": "BF16", "shape": [16, 8], "data_offsets": [0, 256]},
                 "model.layers.1.mlp.gate_proj.weight.absmax": {"dtype": "F32", "shape": [2], "data_offsets": [256, 264]},
                 "model.norm.weight": {"dtype": "BF16", "shape": [8], "data_offsets": [264, 280]},
                 "lm_head.weight": {"dtype": "F16", "shape": [10, 8], "data_offsets": [280, 440]}}""");
    }

    @Test
    void tensorsComeFromTheHeadersWithNamesShapesDtypesGroupsAndLayers() throws IOException {
        tinyModel();
        Inventory inv = new ModelLoader().load(dir.toString(), Map.of());
        assertEquals(8, inv.tensors().size());
        TensorSpec k = inv.tensors().stream().filter(t -> t.name().endsWith("k_proj.weight")).findFirst().orElseThrow();
        assertEquals(List.of(4L, 8L), k.shape());
        assertEquals(DType.BF16, k.dtype());
        assertEquals(ParamGroup.ATTENTION, k.group());
        assertEquals(0, k.layer());
        TensorSpec gate = inv.tensors().stream().filter(t -> t.name().equals("model.layers.1.mlp.gate_proj.weight"))
                .findFirst().orElseThrow();
        assertEquals(ParamGroup.MLP, gate.group());
        assertEquals(1, gate.layer());
        assertEquals(DType.FP32, inv.tensors().stream().filter(t -> t.name().endsWith("input_layernorm.weight"))
                .findFirst().orElseThrow().dtype());
        assertEquals(ParamGroup.QUANT_STATE, inv.tensors().stream().filter(t -> t.name().endsWith(".absmax"))
                .findFirst().orElseThrow().group());
        assertEquals(ParamGroup.LM_HEAD, inv.tensors().stream().filter(t -> t.name().equals("lm_head.weight"))
                .findFirst().orElseThrow().group());
        // parameters: 80 + 64 + 32 + 8 + 128 + 8 + 80 (absmax is a constant, not a parameter)
        assertEquals(80 + 64 + 32 + 8 + 128 + 8 + 80, inv.parameterCount());
        // the architecture still comes from config.json
        assertEquals(1, inv.architecture().numKvHeads());
        assertEquals(2, inv.architecture().numLayers());
    }

    @Test
    void aFolderWithoutShardsUsesTheConfigAlone() throws IOException {
        Files.writeString(dir.resolve("config.json"), TINY_LLAMA);
        Inventory inv = new ModelLoader().load(dir.toString(), Map.of());
        assertTrue(inv.tensors().stream().anyMatch(t -> t.name().equals("model.layers.1.mlp.down_proj.weight")));
    }

    @Test
    void headerReaderSkipsMetadataAndNeverNeedsTheWeights() throws IOException {
        Path f = dir.resolve("a.safetensors");
        writeSafetensors(f, "{\"__metadata__\": {\"format\": \"pt\"}, \"x\": {\"dtype\": \"F32\", \"shape\": [1000000, 1000],"
                + " \"data_offsets\": [0, 4000000000]}}");
        List<SafetensorsEntry> entries = new SafetensorsHeaderReader().read(f);
        assertEquals(List.of(new SafetensorsEntry("x", "F32", List.of(1_000_000L, 1000L))), entries);
        assertTrue(Files.size(f) < 200);
    }

    @Test
    void malformedHeaderJsonIsRefusedNamingTheFile() throws IOException {
        tinyModel();
        writeSafetensors(dir.resolve("model-00002-of-00002.safetensors"), "{\"x\": {\"dtype\": \"F32\", \"shape\": [1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelLoader().load(dir.toString(), Map.of()));
        assertTrue(e.getMessage().contains("model-00002-of-00002.safetensors"), e.getMessage());
        assertTrue(e.getMessage().contains("malformed"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void headerLengthBeyondTheFileIsRefused() throws IOException {
        Path f = dir.resolve("b.safetensors");
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(1_000_000L).putInt(0);
        Files.write(f, b.array());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SafetensorsHeaderReader().read(f));
        assertTrue(e.getMessage().contains("header length"), e.getMessage());
    }

    @Test
    void fileShorterThanTheLengthPrefixIsRefused() throws IOException {
        Path f = dir.resolve("c.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertThrows(IllegalArgumentException.class, () -> new SafetensorsHeaderReader().read(f));
    }

    @Test
    void tensorWithoutShapeOrWithANegativeDimensionIsRefused() throws IOException {
        Path f = dir.resolve("d.safetensors");
        writeSafetensors(f, "{\"x\": {\"dtype\": \"F32\", \"shape\": [-1, 2], \"data_offsets\": [0, 0]}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SafetensorsHeaderReader().read(f));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
        writeSafetensors(f, "{\"x\": {\"dtype\": \"F32\"}}");
        assertThrows(IllegalArgumentException.class, () -> new SafetensorsHeaderReader().read(f));
    }

    @Test
    void unknownDtypeNamesTheTensorAndTheAcceptedDtypes() throws IOException {
        Files.writeString(dir.resolve("config.json"), TINY_LLAMA);
        writeSafetensors(dir.resolve("model.safetensors"),
                "{\"w\": {\"dtype\": \"C64\", \"shape\": [2], \"data_offsets\": [0, 16]}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelLoader().load(dir.toString(), Map.of()));
        assertTrue(e.getMessage().contains("'C64'") && e.getMessage().contains("BF16"), e.getMessage());
    }

    @Test
    void aTensorRepeatedAcrossShardsIsRefused() throws IOException {
        tinyModel();
        writeSafetensors(dir.resolve("model-00003-of-00003.safetensors"),
                "{\"model.norm.weight\": {\"dtype\": \"BF16\", \"shape\": [8], \"data_offsets\": [0, 16]}}");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModelLoader().load(dir.toString(), Map.of()));
        assertTrue(e.getMessage().contains("model.norm.weight"), e.getMessage());
    }

    @Test
    void aTensorWhoseElementsOverflowIsOneLineNamingTheTensorAndTheFile() throws IOException {
        // issue 10: [2^31, 2^30] ended in "internal error: ArithmeticException: long overflow"; [2^62, 2^62]
        // blamed config.json's sizes
        for (String shape : new String[] {"[2147483648, 1073741824]", "[4611686018427387904, 4611686018427387904]"}) {
            Files.writeString(dir.resolve("config.json"), TINY_LLAMA);
            Path file = dir.resolve("model.safetensors");
            writeSafetensors(file, "{\"model.embed_tokens.weight\": {\"dtype\": \"BF16\", \"shape\": " + shape
                    + ", \"data_offsets\": [0, 16]}}");
            dev.gpumem.input.BadInputException e = assertThrows(dev.gpumem.input.BadInputException.class,
                    () -> new ModelLoader().load(dir.toString(), Map.of()));
            assertTrue(e.getMessage().startsWith("safetensors file " + file + ": tensor 'model.embed_tokens.weight'"
                    + " has shape "), e.getMessage());
            assertTrue(e.getMessage().contains("overflows a 64-bit byte count"), e.getMessage());
            assertFalse(e.getMessage().contains("config.json"), e.getMessage());
        }
    }

    @Test
    void tensorsThatTogetherOverflowAreRefusedAtTheOneThatCrossesTheLimit() throws IOException {
        Files.writeString(dir.resolve("config.json"), TINY_LLAMA);
        // 2^56 elements each: the first fits (2^56 · 64 bits < 2^63), the second brings the sum to 2^57
        writeSafetensors(dir.resolve("model.safetensors"), """
                {"model.embed_tokens.weight": {"dtype": "F32", "shape": [72057594037927936], "data_offsets": [0, 16]},
                 "lm_head.weight": {"dtype": "F32", "shape": [72057594037927936], "data_offsets": [0, 16]}}""");
        dev.gpumem.input.BadInputException e = assertThrows(dev.gpumem.input.BadInputException.class,
                () -> new ModelLoader().load(dir.toString(), Map.of()));
        assertTrue(e.getMessage().contains("tensor 'lm_head.weight' brings the model past"), e.getMessage());
    }

    @Test
    void classifierKnowsTheCommonNamingSchemes() {
        TensorNameClassifier c = new TensorNameClassifier();
        assertEquals(ParamGroup.ATTENTION, c.group("transformer.h.3.attn.c_attn.weight"));
        assertEquals(3, c.layer("transformer.h.3.attn.c_attn.weight", 0));
        assertEquals(ParamGroup.NORM, c.group("transformer.h.3.ln_1.weight"));
        assertEquals(ParamGroup.EMBEDDING, c.group("transformer.wte.weight"));
        assertEquals(ParamGroup.MLP, c.group("bert.encoder.layer.2.intermediate.dense.weight"));
        assertEquals(2, c.layer("bert.encoder.layer.2.intermediate.dense.weight", 0));
        assertEquals(ParamGroup.ROUTER, c.group("model.layers.0.block_sparse_moe.gate.weight"));
        assertEquals(ParamGroup.EXPERT, c.group("model.layers.0.block_sparse_moe.experts.7.w1.weight"));
        assertEquals(ParamGroup.TASK_HEAD, c.group("bert.pooler.dense.weight"));
        assertEquals(ParamGroup.LM_HEAD, c.group("embed_out.weight"));
        assertEquals(ParamGroup.QUANT_STATE, c.group("model.layers.0.self_attn.q_proj.qzeros"));
        assertEquals(ParamGroup.BUFFER, c.group("model.layers.0.self_attn.rotary_emb.inv_freq"));
        assertEquals(8, c.layer("decoder.block.2.layer.0.SelfAttention.q.weight", 6));
        assertEquals(-1, c.layer("model.norm.weight", 0));
    }
}
