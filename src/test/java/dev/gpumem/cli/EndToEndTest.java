package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The real loader and estimator behind the CLI, on shipped presets. */
class EndToEndTest {
    private static long number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\" : (-?\\d+)").matcher(json);
        assertTrue(m.find(), key + " in " + json);
        return Long.parseLong(m.group(1));
    }

    private static boolean fits(String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"fits\" : "), r.out());
        return r.out().contains("\"fits\" : true");
    }

    @Test
    void fitFindsABatchThatFitsWhileTheNextDoesNot() {
        String[] request = {"--model", "llama-3.2-1b", "--precision", "bf16", "--optimizer", "adamw", "--seq", "2048",
            "--gpu", "l4-24gb"};
        CliRun r = CliRun.of(concat(new String[] {"fit", "--json"}, request));
        assertEquals(0, r.code(), r.err());
        int b = (int) number(r.out(), "largest");
        assertTrue(b >= 1, r.out());
        assertEquals(b + 1, number(r.out(), "first_failing"));
        assertTrue(fits(concat(new String[] {"estimate", "--json", "--batch", String.valueOf(b)}, request)));
        assertTrue(!fits(concat(new String[] {"estimate", "--json", "--batch", String.valueOf(b + 1)}, request)));
    }

    @Test
    void fitExitsOneWhenNothingFits() {
        CliRun r = CliRun.of("fit", "--model", "llama-3.1-70b", "--precision", "fp32", "--gpu", "t4-16gb");
        assertEquals(ExitCode.VERDICT_NEGATIVE.code(), r.code(), r.err());
        assertTrue(r.out().contains("even batch 1 does not fit"), r.out());
    }

    @Test
    void accelerateFlagReproducesLlama2_7bFloat16() {
        CliRun r = CliRun.of("estimate", "--model", "llama-2-7b", "--precision", "fp16", "--accelerate", "--json");
        assertEquals(0, r.code(), r.err());
        // notes §1.3: (6,607,343,616 params + 33,556,480 buffers) · 4 B / 2 and one decoder layer + its RoPE caches
        assertEquals((6_607_343_616L + 33_556_480L) * 4 / 2, number(r.out(), "total_bytes"));
        assertEquals((202_383_360L + 1_048_640L) * 4 / 2, number(r.out(), "largest_layer_bytes"));
        assertEquals((6_607_343_616L + 33_556_480L) * 4 * 2, number(r.out(), "training_peak_bytes"));
        CliRun t = CliRun.of("estimate", "--model", "llama-2-7b", "--precision", "fp16", "--compat", "accelerate");
        assertTrue(t.out().contains("largest layer 388.02 MiB, total 12.37 GiB, training using Adam 49.48 GiB"), t.out());
    }

    @Test
    void accelerateIsSetBesideOurPeakByComponentsThatSumToIt() {
        CliRun t = CliRun.of("estimate", "--model", "llama-2-7b", "--batch", "1", "--seq", "512", "--compat",
                "accelerate");
        assertEquals(0, t.code(), t.err());
        Matcher m = Pattern.compile("against gpumem: peak allocated ([0-9.]+) GiB in (\\S+) = (.*?); accelerate's "
                + "49\\.48 GiB is its largest stage \\(backward pass\\).*gpumem is ([0-9.]+) GiB above it")
                .matcher(t.out());
        assertTrue(m.find(), t.out());
        double peak = Double.parseDouble(m.group(1));
        String[] parts = m.group(3).split(" \\+ ");
        double sum = 0;
        for (String part : parts) {
            sum += Double.parseDouble(part.replaceAll(".* ([0-9.]+) GiB$", "$1"));
        }
        // each addend is printed to 0.01 GiB
        assertEquals(peak, sum, 0.01 * parts.length, m.group(3));
        assertEquals(peak - 49.48, Double.parseDouble(m.group(4)), 0.011);
        // amp-bf16 AdamW keeps 16 B/param of 6.74e9 parameters at the step (accelerate's stages never add them)
        assertTrue(peak > 100, m.group(1));
    }

    @Test
    void accelerateForInferencePrintsNoTrainingFigure() {
        CliRun t = CliRun.of("estimate", "--model", "llama-2-7b", "--task", "inference", "--seq", "512",
                "--compat", "accelerate");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("largest layer 388.02 MiB, total 12.37 GiB (its \"training using Adam\" column "
                + "is left out: this request is inference)"), t.out());
        assertFalse(t.out().contains("stages (a maximum, not a sum)"), t.out());
    }

    @Test
    void plainAdamIsNamedAdamInTheNotes() {
        CliRun t = CliRun.of("estimate", "--model", "gpt2", "--optimizer", "adam");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("  - adam: two states per trainable parameter"), t.out());
        assertFalse(t.out().contains("adamw: two states"), t.out());
    }

    @Test
    void tableAndExplainForAPreset() {
        CliRun r = CliRun.of("estimate", "--model", "llama-3.1-8b", "--batch", "4", "--gpu", "h100-80gb", "--explain");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("units: GiB = 1024³ bytes"), r.out());
        assertTrue(r.out().contains("<- peak"), r.out());
        assertTrue(r.out().contains("gpu h100-80gb (79.65 GiB): "), r.out());
        assertTrue(r.out().contains("explain (GiB/MiB are 1024-based)"), r.out());
        assertTrue(r.out().contains("allocator_slack = reserved - allocated = "), r.out());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
