package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EstimateCommandTest {
    @TempDir
    Path dir;

    private static void assertOneLineBadInput(CliRun r, String expected) {
        assertEquals(ExitCode.BAD_INPUT.code(), r.code(), r.err());
        String e = r.err().strip();
        assertTrue(e.startsWith("gpumem: error: "), e);
        assertFalse(e.contains("\n"), e);
        assertFalse(e.contains("Exception"), e);
        assertTrue(e.contains(expected), e + " should contain " + expected);
    }

    @Test
    void everyBadFlagIsOneLineAndExitTwo() {
        Map<List<String>, String> cases = new java.util.LinkedHashMap<>();
        cases.put(List.of("--model", "m", "--batch", "0"), "batch: must be a positive integer, got 0");
        cases.put(List.of("--model", "m", "--seq", "-5"), "seq: must be a positive integer, got -5");
        cases.put(List.of("--model", "m", "--batch", "1e20"), "--batch");
        cases.put(List.of("--model", "m", "--batch", "3000000000"), "batch: 3000000000 is out of range");
        cases.put(List.of("--model", "m", "--precision", "fp8"), "precision: unknown value 'fp8'; accepted: fp32,");
        cases.put(List.of("--model", "m", "--gpu", "h100-81gb"), "gpu: unknown value 'h100-81gb'; accepted:");
        cases.put(List.of("--model", "m", "--gpu-total-bytes", "0", "--gpu-arch", "ada"), "gpu.total_bytes: must be a positive integer");
        cases.put(List.of("--model", "m", "--gpu-total-bytes", "1000", "--gpu-arch", "pascal"), "gpu.arch: unknown value 'pascal'");
        cases.put(List.of("--model", "m", "--option", "turbo"), "options: unknown value 'turbo'");
        cases.put(List.of("--model", "m", "--zero", "4"), "parallel.zero: unknown value 4");
        cases.put(List.of("--model", "m", "--finetune", "lora", "--lora-rank", "0"), "finetune.rank: must be a positive integer");
        cases.put(List.of("--model", "m", "--kv-dtype", "fp12"), "inference.kv_cache_dtype: unknown value 'fp12'");
        cases.put(List.of("--model", "m", "--override", "num_hidden_layers"), "--override: expected KEY=VALUE");
        cases.put(List.of("--model", "m", "--compat", "deepspeed"), "compat: unknown value 'deepspeed'");
        cases.put(List.of("--batch", "2"), "--model: required");
        cases.put(List.of("--model", "/nonexistent/dir/config.json"), "/nonexistent/dir/config.json");
        cases.put(List.of("--model", "gpumem-test-org/No-Such-Model-x9"),
                "model gpumem-test-org/No-Such-Model-x9 is not a local path, not in the Hugging Face cache");
        cases.put(List.of("--input", "/nonexistent/requests.jsonl"), "--input: no such file");
        cases.put(List.of("--input", "x.jsonl", "--model", "m"), "--input: request flags");
        cases.put(List.of("--model", "m", "--calibration", "/nonexistent/cal.json"), "--calibration: no such file");
        cases.put(List.of("--model", "m", "--no-such-flag"), "--no-such-flag");
        cases.forEach((args, expected) -> {
            String[] full = new String[args.size() + 1];
            full[0] = "estimate";
            for (int i = 0; i < args.size(); i++) {
                full[i + 1] = args.get(i);
            }
            assertOneLineBadInput(CliRun.of(full), expected);
        });
    }

    @Test
    void batchModeAnswersEveryBadLineWithAnErrorObjectAndExitsTwo() throws Exception {
        Path in = dir.resolve("requests.jsonl");
        Files.write(in, List.of(
                "{\"id\":\"malformed\",",
                "{\"id\":\"unknown-field\",\"model\":\"m\",\"bach\":4}",
                "{\"id\":\"unknown-value\",\"model\":\"m\",\"precision\":\"fp12\"}",
                "{\"id\":\"zero-batch\",\"model\":\"m\",\"batch\":0}",
                "{\"id\":\"negative-seq\",\"model\":\"m\",\"seq\":-1}",
                "{\"id\":\"overflow\",\"model\":\"m\",\"batch\":1e20}",
                "{\"id\":\"unknown-gpu\",\"model\":\"m\",\"gpu\":\"rtx9090-99gb\"}",
                "{\"id\":\"missing-file\",\"model\":\"" + dir.resolve("no/config.json") + "\"}"));
        Path outFile = dir.resolve("out.jsonl");
        CliRun r = CliRun.of("estimate", "--input", in.toString(), "--output", outFile.toString());
        assertEquals(ExitCode.BAD_INPUT.code(), r.code(), r.err());
        assertEquals("", r.out());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("8 of 8 requests failed"), r.err());
        List<String> lines = Files.readAllLines(outFile);
        assertEquals(8, lines.size());
        assertTrue(lines.get(0).startsWith("{\"id\":null,\"error\":\"request: malformed JSON"), lines.get(0));
        assertTrue(lines.get(1).startsWith("{\"id\":\"unknown-field\",\"error\":\"bach: unknown field"), lines.get(1));
        assertTrue(lines.get(2).startsWith("{\"id\":\"unknown-value\",\"error\":\"precision: unknown value 'fp12'"), lines.get(2));
        assertTrue(lines.get(3).startsWith("{\"id\":\"zero-batch\",\"error\":\"batch: must be a positive integer"), lines.get(3));
        assertTrue(lines.get(4).startsWith("{\"id\":\"negative-seq\",\"error\":\"seq: must be a positive integer"), lines.get(4));
        assertTrue(lines.get(5).startsWith("{\"id\":\"overflow\",\"error\":\"batch: 1.0E20 is out of range"), lines.get(5));
        assertTrue(lines.get(6).startsWith("{\"id\":\"unknown-gpu\",\"error\":\"gpu: unknown value 'rtx9090-99gb'"), lines.get(6));
        assertTrue(lines.get(7).startsWith("{\"id\":\"missing-file\",\"error\":\""), lines.get(7));
        assertTrue(lines.get(7).contains("no/config.json"), lines.get(7));
        for (int i = 0; i < 8; i++) {
            assertTrue(lines.get(i).endsWith("\"line\":" + (i + 1) + "}"), lines.get(i));
        }
    }

    private static EstimateBatch batchWithABug() {
        EstimationService s = new EstimationService((m, o) -> FakeEstimates.tinyInventory(m), (inv, c) -> {
            if ("bug".equals(c.id())) {
                throw new NullPointerException("a bug in the estimator");
            }
            return FakeEstimates.estimate(inv, c);
        });
        return new EstimateBatch(new dev.gpumem.io.RequestJson(dev.gpumem.io.GpuPresetsJson.load()),
                new dev.gpumem.io.ResultJson(), s, false, 2);
    }

    @Test
    void anInternalFailureLeavesTheOutputFileAsItWasAndNoTempFile() throws Exception {
        Path outFile = dir.resolve("results.jsonl");
        Files.writeString(outFile, "the previous results\n");
        String in = "{\"id\":\"a\",\"model\":\"m\",\"batch\":1}\n{\"id\":\"bug\",\"model\":\"m\"}\n"
                + "{\"id\":\"b\",\"model\":\"m\",\"batch\":0}\n";
        EstimateBatch.Summary s = EstimateCommand.runInto(batchWithABug(),
                new java.io.BufferedReader(new java.io.StringReader(in)), outFile);
        assertEquals(1, s.internalErrors());
        assertEquals(2, s.failed());
        assertEquals("the previous results\n", Files.readString(outFile));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(outFile), files.toList());
        }
    }

    @Test
    void aBatchWithoutInternalFailuresReplacesTheOutputFile() throws Exception {
        Path outFile = dir.resolve("results.jsonl");
        Files.writeString(outFile, "the previous results\n");
        String in = "{\"id\":\"a\",\"model\":\"m\",\"batch\":1}\n{\"id\":\"b\",\"model\":\"m\",\"batch\":0}\n";
        EstimateBatch.Summary s = EstimateCommand.runInto(batchWithABug(),
                new java.io.BufferedReader(new java.io.StringReader(in)), outFile);
        assertEquals(new EstimateBatch.Summary(2, 1, 0), s);
        List<String> lines = Files.readAllLines(outFile);
        assertEquals(2, lines.size());
        assertTrue(lines.get(0).startsWith("{\"id\":\"a\",\"params\":"), lines.get(0));
        assertEquals("{\"id\":\"b\",\"error\":\"batch: must be a positive integer, got 0\",\"line\":2}", lines.get(1));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(outFile), files.toList());
        }
    }

    @Test
    void batchModeWritesToStandardOutputWithoutOutput() throws Exception {
        Path in = dir.resolve("one.jsonl");
        Files.writeString(in, "{\"id\":\"z\",\"model\":\"m\",\"batch\":0}\n");
        CliRun r = CliRun.of("estimate", "--input", in.toString());
        assertEquals(ExitCode.BAD_INPUT.code(), r.code());
        assertEquals("{\"id\":\"z\",\"error\":\"batch: must be a positive integer, got 0\",\"line\":1}", r.out().strip());
    }

    @Test
    void helpListsARequestFlagForEveryContractField() {
        CliRun r = CliRun.of("estimate", "--help");
        assertEquals(0, r.code());
        for (String flag : List.of("--model", "--override", "--task", "--precision", "--master-weights", "--optimizer",
                "--batch", "--seq", "--grad-accum", "--checkpointing", "--attention", "--finetune", "--lora-rank",
                "--lora-alpha", "--lora-targets", "--qlora-quant", "--dp", "--zero", "--tp", "--pp", "--sequence-parallel", "--cp", "--ep",
                "--capacity-factor", "--option",
                "--infer-batch", "--context-tokens", "--kv-dtype", "--gpu", "--gpu-total-bytes", "--gpu-arch",
                "--compat", "--accelerate", "--calibration", "--id", "--json", "--input", "--output", "--explain",
                "--print-request")) {
            assertTrue(r.out().contains(flag), flag);
        }
        assertTrue(r.out().contains("Exit codes"));
    }

    @Test
    void failIfNotFitExitsOneOnlyWhenTheDevicePeakExceedsTheCard() {
        // llama-3.1-8b full fine-tuning with AdamW needs > 16 × 8e9 bytes: no 80 GiB card holds it
        CliRun big = CliRun.of("estimate", "--model", "llama-3.1-8b", "--precision", "amp-bf16", "--optimizer",
                "adamw", "--batch", "1", "--seq", "512", "--gpu", "h100-80gb", "--fail-if-not-fit");
        assertEquals(1, big.code(), big.err());
        assertTrue(big.err().contains("gpumem: does not fit"), big.err());
        assertFalse(big.out().isEmpty(), "the estimate is printed either way");
        // inference of the same model in bf16 (about 16 GB of weights) fits
        CliRun small = CliRun.of("estimate", "--model", "llama-3.1-8b", "--task", "inference", "--precision", "bf16",
                "--batch", "1", "--seq", "512", "--gpu", "h100-80gb", "--fail-if-not-fit");
        assertEquals(0, small.code(), small.err());
        assertOneLineBadInput(CliRun.of("estimate", "--model", "llama-3.1-8b", "--fail-if-not-fit"), "give --gpu");
    }
}
