package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Precision;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tiny Llama-style model (h=64, L=2, a=4, kv=2, d=16, i=128, v=100) trained in fp32 with AdamW, b=2, s=16, SDPA,
 * no checkpointing, no GPU given (Ampere defaults: 8,320 KiB cuBLAS workspace, 500 MiB context). Every expected
 * number below is worked out by hand from the tensor shapes; each tensor is rounded up to 512 B as the caching
 * allocator does.
 */
class TinyModelHandArithmeticTest {
    static final long MIB = 1024 * 1024;

    // activation sizes, fp32 (4 B)
    static final long BSH = 2 * 16 * 64 * 4;          // 8,192: block input/output, norm outputs, residual
    static final long BSI = 2 * 16 * 128 * 4;         // 16,384: MLP intermediates
    static final long BSAD = 2 * 16 * 4 * 16 * 4;     // 8,192: q after RoPE, SDPA output
    static final long BSKVD = 2 * 16 * 2 * 16 * 4;    // 4,096: k after RoPE, v (GQA: kv heads)
    static final long RSTD = 512;                     // b·s·4 = 128 B, one 512 B block
    static final long LSE = 2 * 4 * 16 * 4;           // 512: logsumexp b·a·s fp32
    static final long COS = 2 * 16 * 16 * 4;          // 2,048: RoPE cos (and sin) b·s·d
    static final long IDS = 512;                      // b·s·8 = 256 B int64, one block
    static final long BSV = 2 * 16 * 100 * 4;         // 12,800: logits-sized fp32 tensors

    // weights, fp32
    static final long EMBED = 100 * 64 * 4;           // 25,600 (and the untied lm_head)
    static final long NORM_W = 512;                   // 64·4 = 256 B, one block
    static final long Q = 64 * 64 * 4;                // 16,384 (and o)
    static final long KV = 32 * 64 * 4;               // 8,192 (k and v)
    static final long MLP_W = 128 * 64 * 4;           // 32,768 (gate, up, down)
    static final long PER_LAYER_W = 2 * NORM_W + 2 * Q + 2 * KV + 3 * MLP_W;   // 148,480
    static final long WEIGHTS = 2 * PER_LAYER_W + 2 * EMBED + NORM_W;         // 348,672

    static final long WORKSPACE = 4096 * 1024 * 2 + 16 * 1024 * 8;            // 8,519,680
    static final long CONTEXT = 500 * MIB;

    /** What one block keeps for backward, apart from its input and output. */
    static final long SAVED_PER_LAYER =
            2 * RSTD              // rstd of both RMSNorms
            + 2 * BSH             // normalised fp32 inputs (for the norm weights' gradients)
            + 2 * BSH             // norm outputs, kept by q/k/v and by gate/up
            + BSKVD               // v, kept by SDPA
            + BSAD + BSKVD        // q and k after RoPE, kept by SDPA
            + BSAD + LSE          // SDPA output (also o_proj's input) and logsumexp
            + BSH                 // residual x + attn(x), kept by the second norm (fp32 input: no copy)
            + 4 * BSI;            // gate out (SiLU), act out and up out (mul), act·up (down_proj)

    private final Estimate est = new Estimator().estimate(TinyModels.tiny(),
            RunConfig.training("tiny", Precision.FP32, Optimizer.ADAMW, 2, 16));

    @Test
    void savedActivationsPerLayerAddUp() {
        assertEquals(132_608, SAVED_PER_LAYER);
        assertEquals(348_672, WEIGHTS);
    }

    @Test
    void loadHoldsTheWeightsOnly() {
        PhaseEstimate load = est.phase(Phase.LOAD);
        assertEquals(WEIGHTS, load.allocated());
        assertEquals(2 * MIB, load.reserved());       // every weight ≤ 1 MiB: one 2 MiB small-pool segment
        assertEquals(2 * MIB + CONTEXT, load.device());
    }

    @Test
    void forwardPeaksAtTheEndOfTheForwardPass() {
        // Everything of the forward is live after the final norm: weights, workspace, ids and labels, the
        // embedding output (kept by block 0's norm), RoPE cos/sin, both blocks' saved tensors, both block outputs
        // (kept by the next norm) and the final norm's rstd, normalised input and output. The largest transient
        // before that (down_proj output + block output, 2·BSH = 16,384) is smaller than the final norm's three
        // tensors (RSTD + 2·BSH = 16,896).
        long expected = WEIGHTS + WORKSPACE + 2 * IDS + BSH + 2 * COS + 2 * SAVED_PER_LAYER + 2 * BSH
                + (RSTD + 2 * BSH);
        assertEquals(9_180_160, expected);
        assertEquals(expected, est.phase(Phase.FORWARD).allocated());
        // the workspace (8,320 KiB: 1-10 MiB) takes a 20 MiB segment, all the rest fits one 2 MiB segment
        assertEquals(22 * MIB, est.phase(Phase.FORWARD).reserved());
        assertEquals(22 * MIB + CONTEXT, est.phase(Phase.FORWARD).device());
    }

    @Test
    void lossPeaksWithTheLogitsAndTheLogSoftmaxOutput() {
        // Phase loss ends where loss.backward() is called. fp32: no upcast copy. The logits (fp32), then
        // log_softmax's output (kept for backward) while the logits are still alive: two b·s·v fp32 tensors on top
        // of the end of forward. The logits die with the model output before backward().
        long endOfForward = 9_180_160;
        long expected = endOfForward + 2 * BSV;
        assertEquals(9_205_760, expected);
        assertEquals(expected, est.phase(Phase.LOSS).allocated());
    }

    @Test
    void theLogitGradientsBelongToBackwardAndStayBelowItsPeak() {
        // backward() starts with nll_loss's gradient and log_softmax's gradient while log_softmax's output is
        // still alive: three b·s·v fp32 tensors on top of the end of forward (the logits are gone)
        long lossBackward = 9_180_160 + 3 * BSV;
        assertEquals(9_218_560, lossBackward);
        // below the peak in block 0's MLP (backwardPeaksInBlockZerosMlp), so that peak stays the phase's
        long blockZeroMlp = 9_345_024;
        assertEquals(true, lossBackward < blockZeroMlp);
        assertEquals(blockZeroMlp, est.phase(Phase.BACKWARD).allocated());
    }

    @Test
    void backwardPeaksInBlockZerosMlp() {
        // At block 0's MLP backward, after its MLP gradients appear and before its saved tensors go: all of block
        // 1's gradients exist, block 1's activations are gone, block 0's are all still there.
        long persistent = WEIGHTS + WORKSPACE + 2 * IDS + BSH /* embedding output */ + 2 * COS;
        long headGrads = NORM_W + EMBED;              // final norm and lm_head
        long block1Grads = PER_LAYER_W;
        long block0MlpGrads = 3 * MLP_W + NORM_W;     // gate, up, down and the norm in front of the MLP
        long gradHidden = BSH;
        long mlpGradTemps = 3 * BSI;                  // gradients of act·up, act and up
        long expected = persistent + SAVED_PER_LAYER + headGrads + block1Grads + block0MlpGrads + gradHidden
                + mlpGradTemps;
        assertEquals(9_345_024, expected);
        // the same moment in block 1 is lower: block 1's activations (SAVED_PER_LAYER + its input BSH) are still
        // there but only its MLP gradients exist
        long block1Moment = persistent + 2 * SAVED_PER_LAYER + BSH + headGrads + 3 * MLP_W + NORM_W + gradHidden
                + mlpGradTemps;
        assertEquals(9_337_344, block1Moment);
        assertEquals(expected, est.phase(Phase.BACKWARD).allocated());
    }

    @Test
    void optimizerStepHoldsWeightsGradientsTwoStatesAndTheForeachTemporary() {
        // fp32 AdamW: gradients, exp_avg, exp_avg_sq and _foreach_sqrt(exp_avg_sq) each have the weights' sizes
        long expected = WORKSPACE + WEIGHTS + WEIGHTS + 2 * WEIGHTS + WEIGHTS;
        assertEquals(10_263_040, expected);
        assertEquals(expected, est.phase(Phase.OPTIMIZER_STEP).allocated());
        assertEquals(22 * MIB, est.phase(Phase.OPTIMIZER_STEP).reserved());
    }

    @Test
    void secondStepPeaksAtItsUpdateWithStatesResident() {
        // the second step's backward peak plus the resident states (9,345,024 + 2·WEIGHTS = 10,042,368) stays
        // below its update, which equals the first update
        assertEquals(10_042_368, 9_345_024 + 2 * WEIGHTS);
        assertEquals(10_263_040, est.phase(Phase.SECOND_STEP).allocated());
    }

    @Test
    void everyTrainingPhaseIsReportedInOrder() {
        assertEquals(List.of(Phase.LOAD, Phase.FORWARD, Phase.LOSS, Phase.BACKWARD, Phase.OPTIMIZER_STEP,
                Phase.SECOND_STEP), est.phases().stream().map(PhaseEstimate::phase).toList());
        assertEquals(86_848, est.params());           // 2·(2·64 + 64·64·2 + 32·64·2 + 3·128·64) + 2·6,400 + 64
        assertEquals(86_848, est.trainableParams());
    }

    @Test
    void termsNameEachTensorKindWithItsFormula() {
        Term gate = est.phase(Phase.FORWARD).terms().stream().filter(t -> t.name().equals("mlp.gate_out"))
                .findFirst().orElseThrow();
        assertEquals("L·b·s·i·4 B", gate.formula());
        assertEquals("2·2·16·128·4", gate.values());
        assertEquals(2 * BSI, gate.bytes());
    }
}
