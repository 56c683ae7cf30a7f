package dev.gpumem.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Estimate.AccelerateNumbers;
import dev.gpumem.estimate.Estimate.FitVerdict;
import dev.gpumem.estimate.GpuSpec;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.Term;
import java.util.List;
import org.junit.jupiter.api.Test;

class EstimateTableWriterTest {
    static final long GIB = 1L << 30;

    /** load: 2 GiB weights; backward: + 1 GiB gradients + 3 GiB activations; device adds 0.5 GiB */
    static Estimate sample(long gpuTotal, AccelerateNumbers acc) {
        RunConfig c = RunConfig.training("llama-x", RunConfig.Precision.AMP_BF16, RunConfig.Optimizer.ADAMW, 4, 2048)
                .withGpu(new GpuSpec("card", gpuTotal, GpuSpec.GpuArch.HOPPER));
        Term w = new Term("weights", Component.WEIGHTS, Source.INVENTORY, "P·2 B", "1073741824·2", 2 * GIB);
        Term g = new Term("gradients", Component.GRADIENTS, Source.INVENTORY, "P·1 B", "1073741824·1", GIB);
        Term a = new Term("attn.saved", Component.ACTIVATIONS, Source.AUTOGRAD_SAVED, "L·b·s·h·2 B", "…", 3 * GIB);
        PhaseEstimate load = new PhaseEstimate(Phase.LOAD, 2 * GIB, 2 * GIB, 2 * GIB + GIB / 2, List.of(w));
        PhaseEstimate bwd = new PhaseEstimate(Phase.BACKWARD, 6 * GIB, 6 * GIB + GIB / 4, 6 * GIB + GIB / 4 + GIB / 2,
                List.of(w, g, a));
        long peak = bwd.device();
        return new Estimate(c, 1L << 30, 1L << 30, List.of(load, bwd),
                new FitVerdict(c.gpu(), peak, gpuTotal - peak, peak <= gpuTotal), acc, List.of("a note"));
    }

    @Test
    void tableSaysItsUnitsMarksThePeakAndListsComponents() {
        String t = EstimateTableWriter.write(sample(80 * GIB, null));
        assertTrue(t.contains("units: GiB = 1024³ bytes"), t);
        String bwd = t.lines().filter(l -> l.startsWith("backward")).findFirst().orElseThrow();
        assertTrue(bwd.contains("6.00") && bwd.contains("6.25") && bwd.contains("6.75") && bwd.endsWith("<- peak"), bwd);
        assertFalse(t.lines().filter(l -> l.startsWith("load")).findFirst().orElseThrow().contains("peak"));
        assertTrue(t.lines().anyMatch(l -> l.startsWith("activations") && l.contains("0.00") && l.contains("3.00")), t);
        assertTrue(t.lines().anyMatch(l -> l.startsWith("allocator_slack") && l.contains("0.25")), t);
        assertTrue(t.lines().anyMatch(l -> l.startsWith("context") && l.contains("0.50")), t);
        assertFalse(t.lines().anyMatch(l -> l.startsWith("kv_cache")), "all-zero components are left out");
        assertTrue(t.contains("gpu card (80.00 GiB): fits, headroom 73.25 GiB at peak device 6.75 GiB"), t);
        assertTrue(t.contains("a note"));
    }

    @Test
    void aCardThatIsTooSmallSaysByHowMuch() {
        String t = EstimateTableWriter.write(sample(6 * GIB, null));
        assertTrue(t.contains("DOES NOT FIT, short by 768.00 MiB"), t);
        assertTrue(t.contains("gpumem suggest (same flags)"), t);
    }

    @Test
    void accelerateNumbersPrintAsItPrintsThemWithWhatItLeavesOut() {
        AccelerateNumbers acc = new AccelerateNumbers(406_864_000L, 13_281_800_192L, 53_127_200_768L,
                26_563_600_384L, 39_845_400_576L, 53_127_200_768L, 53_127_200_768L, List.of("activations"));
        String t = EstimateTableWriter.write(sample(80 * GIB, acc));
        assertTrue(t.contains("accelerate estimate-memory --dtypes bfloat16 would print"), t);
        assertTrue(t.contains("largest layer 388.02 MiB, total 12.37 GiB, training using Adam 49.48 GiB"), t);
        assertTrue(t.contains("model 24.74 GiB / gradient calculation 37.11 GiB / backward pass 49.48 GiB "
                + "/ optimizer step 49.48 GiB"), t);
        assertTrue(t.contains("    - activations"), t);
    }

    @Test
    void explainShowsEveryTermAndTheLevelSteps() {
        Estimate e = sample(80 * GIB, null);
        String x = ExplainWriter.write(e);
        for (PhaseEstimate p : e.phases()) {
            for (Term t : p.terms()) {
                assertTrue(x.contains(t.explain()), t.name());
            }
        }
        assertTrue(x.contains("allocator_slack = reserved - allocated = 6.25 GiB - 6.00 GiB = 256.00 MiB"), x);
        assertTrue(x.contains("context = device - reserved = 6.75 GiB - 6.25 GiB = 512.00 MiB"), x);
        assertTrue(x.contains("AUTOGRAD_SAVED: " + Source.AUTOGRAD_SAVED.citation()), x);
        assertEquals(2, x.lines().filter(l -> l.startsWith("phase ")).count());
    }
}
