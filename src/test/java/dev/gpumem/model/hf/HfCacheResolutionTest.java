package dev.gpumem.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.model.Inventory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hub ids resolved through a fake Hugging Face cache laid out as huggingface_hub writes it: refs/main holds the
 * commit, snapshots/<commit>/ holds symbolic links to ../../blobs/<sha>.
 */
class HfCacheResolutionTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final String OTHER = "fedcba9876543210fedcba9876543210fedcba98";
    /** 2 layers, hidden 8, inter 16, 2 heads, 1 kv head, vocab 10, untied: counted by hand below */
    private static final String TINY_LLAMA = """
            {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 8, "intermediate_size": 16,
             "num_attention_heads": 2, "num_key_value_heads": 1, "num_hidden_layers": 2, "vocab_size": 10,
             "torch_dtype": "bfloat16"}""";
    /**
     * By hand: embed 10·8 = 80, lm_head 80, final norm 8; per layer q 64 + k 32 + v 32 + o 64 + gate 128 + up 128
     * + down 128 + two norms 16 = 592; two layers 1184. Total 80 + 80 + 8 + 1184 = 1352.
     */
    private static final long TINY_LLAMA_PARAMS = 1352;

    @TempDir
    Path cache;

    private ModelLoader loader() {
        return new ModelLoader(HfCache.locate(Map.of("HF_HUB_CACHE", cache.toString()), Path.of("/nonexistent")));
    }

    /** Puts {@code content} in blobs/ under a fake sha and links snapshots/<commit>/<file> to it, as the cache does. */
    private Path cached(String repoFolder, String commit, String file, byte[] content) throws IOException {
        Path repo = cache.resolve(repoFolder);
        Path blob = repo.resolve("blobs").resolve(Integer.toHexString(java.util.Arrays.hashCode(content)) + file.length());
        Files.createDirectories(blob.getParent());
        Files.write(blob, content);
        Path link = repo.resolve("snapshots").resolve(commit).resolve(file);
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, link.getParent().relativize(blob));
        return link;
    }

    private void ref(String repoFolder, String name, String commit) throws IOException {
        Path ref = cache.resolve(repoFolder).resolve("refs").resolve(name);
        Files.createDirectories(ref.getParent());
        Files.writeString(ref, commit);       // huggingface_hub writes the hash without a newline
    }

    private static byte[] safetensors(String header) throws IOException {
        Path tmp = Files.createTempFile("st", ".safetensors");
        try {
            SafetensorsFolderTest.writeSafetensors(tmp, header);
            return Files.readAllBytes(tmp);
        } finally {
            Files.delete(tmp);
        }
    }

    @Test
    void theCacheIsFoundAsHuggingfaceHubFindsIt() {
        Path home = Path.of("/home/u");
        assertEquals(Path.of("/c/hub"), HfCache.locate(Map.of("HF_HUB_CACHE", "/c/hub", "HF_HOME", "/h"), home).root());
        assertEquals(Path.of("/old"), HfCache.locate(Map.of("HUGGINGFACE_HUB_CACHE", "/old", "HF_HOME", "/h"), home).root());
        assertEquals(Path.of("/h/hub"), HfCache.locate(Map.of("HF_HOME", "/h"), home).root());
        assertEquals(Path.of("/x/huggingface/hub"), HfCache.locate(Map.of("XDG_CACHE_HOME", "/x"), home).root());
        assertEquals(Path.of("/home/u/.cache/huggingface/hub"), HfCache.locate(Map.of(), home).root());
        assertEquals(Path.of("/home/e/.cache/huggingface/hub"), HfCache.locate(Map.of("HOME", "/home/e"), home).root());
        assertEquals(Path.of("/home/u/hf/hub"), HfCache.locate(Map.of("HF_HOME", "~/hf"), home).root());
        assertEquals("HF_HOME/hub", HfCache.locate(Map.of("HF_HOME", "/h", "HF_HUB_CACHE", " "), home).origin());
    }

    @Test
    void aCachedHubIdReadsTheSnapshotOfRefsMainThroughTheBlobLinks() throws IOException {
        String repo = "models--tiny-org--Tiny-Llama";
        Path config = cached(repo, COMMIT, "config.json", TINY_LLAMA.getBytes());
        assertTrue(Files.isSymbolicLink(config));
        cached(repo, COMMIT, "model.safetensors", safetensors("""
                {"model.embed_tokens.weight": {"dtype": "BF16", "shape": [10, 8], "data_offsets": [0, 160]},
                 "lm_head.weight": {"dtype": "BF16", "shape": [10, 8], "data_offsets": [160, 320]}}"""));
        ref(repo, "main", COMMIT);
        cached(repo, OTHER, "config.json", "{}".getBytes());      // an older snapshot that refs/main does not name
        Inventory inv = loader().load("tiny-org/Tiny-Llama", Map.of());
        // the tensors are the header's two, not the config's full model
        assertEquals(List.of("model.embed_tokens.weight", "lm_head.weight"),
                inv.tensors().stream().map(t -> t.name()).toList());
        assertEquals(2, inv.architecture().numLayers());
        String note = inv.warnings().get(0);
        assertTrue(note.startsWith("model tiny-org/Tiny-Llama is read from the Hugging Face cache (HF_HUB_CACHE)"), note);
        assertTrue(note.contains("refs/main = " + COMMIT), note);
    }

    @Test
    void aShardedSnapshotReadsEveryShardItsIndexNames() throws IOException {
        String repo = "models--tiny-org--Sharded";
        cached(repo, COMMIT, "config.json", TINY_LLAMA.getBytes());
        cached(repo, COMMIT, "model.safetensors.index.json", """
                {"metadata": {"total_size": 320}, "weight_map": {
                 "model.embed_tokens.weight": "model-00001-of-00002.safetensors",
                 "lm_head.weight": "model-00002-of-00002.safetensors"}}""".getBytes());
        cached(repo, COMMIT, "model-00001-of-00002.safetensors", safetensors(
                "{\"model.embed_tokens.weight\": {\"dtype\": \"BF16\", \"shape\": [10, 8], \"data_offsets\": [0, 160]}}"));
        cached(repo, COMMIT, "model-00002-of-00002.safetensors", safetensors(
                "{\"lm_head.weight\": {\"dtype\": \"F32\", \"shape\": [10, 8], \"data_offsets\": [0, 320]}}"));
        cached(repo, COMMIT, "adapter_model.safetensors", safetensors(
                "{\"lora_A.weight\": {\"dtype\": \"F32\", \"shape\": [4, 8], \"data_offsets\": [0, 128]}}"));
        ref(repo, "main", COMMIT);
        Inventory inv = loader().load("tiny-org/Sharded", Map.of());
        assertEquals(160, inv.parameterCount());       // 80 + 80; the adapter beside them is not the model's
    }

    @Test
    void anIndexWhoseShardsAreNotAllDownloadedFallsBackToTheConfigAndSaysSo() throws IOException {
        String repo = "models--tiny-org--Partial";
        cached(repo, COMMIT, "config.json", TINY_LLAMA.getBytes());
        cached(repo, COMMIT, "model.safetensors.index.json", """
                {"weight_map": {"a": "model-00001-of-00002.safetensors", "b": "model-00002-of-00002.safetensors"}}"""
                .getBytes());
        cached(repo, COMMIT, "model-00001-of-00002.safetensors", safetensors(
                "{\"a\": {\"dtype\": \"BF16\", \"shape\": [10, 8], \"data_offsets\": [0, 160]}}"));
        ref(repo, "main", COMMIT);
        Inventory inv = loader().load("tiny-org/Partial", Map.of());
        assertEquals(TINY_LLAMA_PARAMS, inv.parameterCount());
        assertTrue(inv.warnings().stream().anyMatch(w -> w.contains("1 of the 2 shards")
                && w.contains("model-00002-of-00002.safetensors") && w.contains("from config.json")), inv.warnings()
                .toString());
    }

    @Test
    void aRevisionSuffixReadsItsRefOrItsCommit() throws IOException {
        String repo = "models--tiny-org--Revs";
        cached(repo, COMMIT, "config.json", TINY_LLAMA.getBytes());
        cached(repo, OTHER, "config.json", TINY_LLAMA.replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": 3")
                .getBytes());
        ref(repo, "main", COMMIT);
        ref(repo, "v2", OTHER);
        assertEquals(2, loader().load("tiny-org/Revs", Map.of()).architecture().numLayers());
        assertEquals(3, loader().load("tiny-org/Revs@v2", Map.of()).architecture().numLayers());
        assertEquals(3, loader().load("tiny-org/Revs@" + OTHER, Map.of()).architecture().numLayers());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loader().load("tiny-org/Revs@v9", Map.of()));
        assertTrue(e.getMessage().contains("revision 'v9' is not in the Hugging Face cache"), e.getMessage());
        assertTrue(e.getMessage().contains("--revision v9"), e.getMessage());
    }

    @Test
    void withoutRefsMainTheOnlySnapshotIsUsedAndNamed() throws IOException {
        String repo = "models--tiny-org--NoRef";
        cached(repo, COMMIT, "config.json", TINY_LLAMA.getBytes());
        Inventory inv = loader().load("tiny-org/NoRef", Map.of());
        assertEquals(TINY_LLAMA_PARAMS, inv.parameterCount());
        assertTrue(inv.warnings().get(0).contains("refs/main is missing; the only snapshot, " + COMMIT + ", is used"),
                inv.warnings().get(0));
        cached(repo, OTHER, "config.json", TINY_LLAMA.getBytes());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loader().load("tiny-org/NoRef", Map.of()));
        assertTrue(e.getMessage().contains("no refs/main and 2 snapshots"), e.getMessage());
    }

    @Test
    void aHubIdNeitherCachedNorAnAliasSaysWhereItLookedAndHowToDownload() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loader().load("some-org/Some-Model-7B", Map.of()));
        String m = e.getMessage();
        assertTrue(m.contains(cache.resolve("models--some-org--Some-Model-7B").resolve("snapshots").toString()), m);
        assertTrue(m.contains("HF_HUB_CACHE"), m);
        assertTrue(m.contains("`huggingface-cli download some-org/Some-Model-7B config.json`"), m);
        assertTrue(m.contains("`hf download some-org/Some-Model-7B config.json`"), m);
        assertFalse(m.contains("\n"), m);
    }

    @Test
    void aHubIdThatIsNotCachedButIsAPresetAliasIsThePresetWithANote() {
        Inventory alias = loader().load("meta-llama/Llama-2-7b-hf", Map.of());
        Inventory preset = loader().load("llama-2-7b", Map.of());
        assertEquals(preset.parameterCount(), alias.parameterCount());
        assertEquals(6_738_415_616L, alias.parameterCount());        // Llama 2 7B's published count (HF model card)
        assertTrue(alias.warnings().get(0).startsWith("model meta-llama/Llama-2-7b-hf is not in the Hugging Face cache"),
                alias.warnings().get(0));
        assertTrue(alias.warnings().get(0).contains("the shipped preset llama-2-7b"), alias.warnings().get(0));
        assertEquals(preset.parameterCount(), loader().load("META-LLAMA/llama-2-7b-HF", Map.of()).parameterCount());
    }

    @Test
    void aCachedHubIdComesBeforeThePresetItIsAnAliasOf() throws IOException {
        String repo = "models--meta-llama--Llama-2-7b-hf";
        cached(repo, COMMIT, "config.json", TINY_LLAMA.getBytes());
        ref(repo, "main", COMMIT);
        assertEquals(TINY_LLAMA_PARAMS, loader().load("meta-llama/Llama-2-7b-hf", Map.of()).parameterCount());
    }

    @Test
    void aLocalPathThatAlsoReadsAsAHubIdIsTheLocalPathAndTheNotesSaySo() throws IOException {
        // "target/<name>" is relative to the working directory (the build's target/ folder under Maven)
        String name = "hf-precedence-" + ProcessHandle.current().pid();
        Path local = Path.of("target", name);
        Files.createDirectories(local);
        try {
            Files.writeString(local.resolve("config.json"), TINY_LLAMA.replace("\"num_hidden_layers\": 2",
                    "\"num_hidden_layers\": 3"));
            String repo = "models--target--" + name;
            cached(repo, COMMIT, "config.json", TINY_LLAMA.getBytes());
            ref(repo, "main", COMMIT);
            Inventory inv = loader().load("target/" + name, Map.of());
            assertEquals(3, inv.architecture().numLayers());          // the local folder's, not the cache's 2
            assertTrue(inv.warnings().get(0).contains("a local path comes before the Hugging Face cache"),
                    inv.warnings().get(0));
        } finally {
            Files.deleteIfExists(local.resolve("config.json"));
            Files.deleteIfExists(local);
        }
    }

    @Test
    void aSnapshotWithoutConfigSaysHowToDownloadIt() throws IOException {
        String repo = "models--tiny-org--NoConfig";
        cached(repo, COMMIT, "README.md", "x".getBytes());
        ref(repo, "main", COMMIT);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> loader().load("tiny-org/NoConfig", Map.of()));
        assertTrue(e.getMessage().contains("has no config.json; download it with `huggingface-cli download"
                + " tiny-org/NoConfig config.json`"), e.getMessage());
    }

    @Test
    void aBareLegacyIdIsReadFromTheCacheWhenItIsNoPreset() throws IOException {
        String repo = "models--distilgpt2";
        cached(repo, COMMIT, "config.json", TINY_LLAMA.getBytes());
        ref(repo, "main", COMMIT);
        Inventory inv = loader().load("distilgpt2", Map.of());
        assertEquals(TINY_LLAMA_PARAMS, inv.parameterCount());
        assertTrue(inv.warnings().get(0).startsWith("model distilgpt2 is read from the Hugging Face cache"),
                inv.warnings().get(0));
        // a preset name stays the preset even when the cache holds a legacy repository of that name
        String gpt2 = "models--gpt2";
        cached(gpt2, COMMIT, "config.json", TINY_LLAMA.getBytes());
        ref(gpt2, "main", COMMIT);
        assertEquals(124_439_808L, loader().load("gpt2", Map.of()).parameterCount());   // GPT-2 small, published
    }

    @Test
    void hubIdsFollowTheHubsNamingRules() {
        assertEquals(new HubId("meta-llama", "Llama-3.1-8B", null), HubId.parse("meta-llama/Llama-3.1-8B").orElseThrow());
        assertEquals("pr/1", HubId.parse("a/b@pr/1").orElseThrow().revision());
        assertEquals("models--Qwen--Qwen2.5-7B", HubId.parse("Qwen/Qwen2.5-7B").orElseThrow().cacheFolder());
        assertEquals("models--t5-small", HubId.parseLegacy("t5-small").orElseThrow().cacheFolder());
        for (String notAnId : List.of("gpt2", "configs/llama.json", "./a/b", "/abs/path", "a/b/c", "a--b/c", "a/b..c",
                "a/b.", "a/-b", "a/b@../../etc")) {
            assertTrue(HubId.parse(notAnId).isEmpty(), notAnId);
        }
    }
}
