package dev.gpumem.estimate.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Estimator;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.Term;
import dev.gpumem.estimate.TinyModels;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Traits;
import org.junit.jupiter.api.Test;

/**
 * Tied embeddings in backward: the LM head's gradient of the shared v·h matrix waits in the AccumulateGrad node's
 * input buffer until the embedding's backward, which makes its own dense v·h gradient; the two are summed out of
 * place (torch/csrc/autograd/input_buffer.cpp), so three v·h tensors are alive at that moment. Measured in DJL's
 * libtorch 2.7.1: 2.96·v·h at the end of backward for a tied 32000×2048 matrix, 1.02·v·h untied.
 */
class TiedEmbeddingGradientTest {
    // h=64, one block, v=32000: the vocabulary matrix dominates everything else of the step
    static final long VH = 32000L * 64 * 4;            // 8,192,000 B, fp32

    static Architecture tiny(boolean tied) {
        Architecture a = TinyModels.llama(64, 1, 4, 2, 16, 128, 32000);
        Traits t = a.traits();
        return a.withTraits(new Traits(t.norm(), t.normPlacement(), t.normWeight(), t.qkNorm(), t.mlp(),
                t.activation(), t.projections(), t.positions(), t.softcapping(), t.embeddingScale(), t.attention(),
                tied, t.parallelBlock()));
    }

    static Estimate estimate(boolean tied) {
        return new Estimator().estimate(TinyModels.inventory(tiny(tied)),
                RunConfig.training("tiny", Precision.FP32, Optimizer.SGD, 1, 16));
    }

    static long term(PhaseEstimate p, String name) {
        return p.terms().stream().filter(t -> t.name().equals(name)).mapToLong(Term::bytes).sum();
    }

    @Test
    void tiedBackwardPeaksWithTheBufferedHeadGradientTheEmbeddingGradientAndTheirSum() {
        PhaseEstimate backward = estimate(true).phase(Phase.BACKWARD);
        assertEquals(VH, term(backward, "temporary.tied_grad.lm_head"));
        assertEquals(VH, term(backward, "temporary.tied_grad.embedding"));
        // at that moment: every weight (W, the shared matrix once) and every gradient (G = W, the sum being the
        // shared matrix's), plus the two addends
        long weights = estimate(true).phase(Phase.LOAD).allocated();
        assertTrue(weights > VH && weights < VH + VH / 4, "the matrix dominates: " + weights);
        assertTrue(backward.allocated() >= 2 * weights + 2 * VH, backward.allocated() + " B");
    }

    @Test
    void untiedMatricesEachGetOneGradientAndNoBuffer() {
        PhaseEstimate backward = estimate(false).phase(Phase.BACKWARD);
        assertEquals(0, term(backward, "temporary.tied_grad.lm_head"));
        assertEquals(0, term(backward, "temporary.tied_grad.embedding"));
        // weights and gradients (two v·h matrices each), small activations and the cuBLAS workspace; no addends
        long weights = estimate(false).phase(Phase.LOAD).allocated();
        long workspace = backward.components().getOrDefault(Component.WORKSPACE, 0L);
        assertTrue(backward.allocated() - workspace < 2 * weights + VH / 2, backward.allocated() + " B");
    }

    @Test
    void tyingAddsTwoTransientMatricesToTheBackwardPeak() {
        // tied: 2W_tied + 2·v·h at the sum; untied: 2W_untied = 2W_tied + 2·v·h at the end, with activations and
        // the workspace alike: the two backward peaks are within the small tensors of one another
        long tied = estimate(true).phase(Phase.BACKWARD).allocated();
        long untied = estimate(false).phase(Phase.BACKWARD).allocated();
        assertTrue(Math.abs(tied - untied) < VH / 8, tied + " vs " + untied);
    }
}
