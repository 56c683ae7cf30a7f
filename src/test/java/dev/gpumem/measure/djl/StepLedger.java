package dev.gpumem.measure.djl;

import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import java.util.EnumMap;
import java.util.Map;

/**
 * Hand arithmetic of what the DJL step holds at each phase's peak, fp32, written from the per-op saved-tensor
 * record of {@link DecoderForward} and the optimizer timelines of {@link TorchOptimizer} (an independent account,
 * not the runner's output). Notation: b, s, h, a (query heads), d (head dim), i (MLP width), v (vocabulary),
 * P = W = parameter bytes, G = gradient bytes (= P), 4 bytes per element.
 */
final class StepLedger {
    private static final long F = 4;

    private StepLedger() {
    }

    /** @return expected peak bytes per phase, over the baseline */
    static Map<Phase, Long> expected(Architecture a, RunConfig c) {
        long b = c.batch();
        long s = c.seq();
        long h = a.hiddenSize();
        long i = a.intermediateSize();
        long v = a.vocabSize();
        long heads = a.numHeads();
        long bs = b * s;
        long bsh = bs * h * F;
        long bsi = bs * i * F;
        long bsv = bs * v * F;
        long qkv = 3 * b * heads * s * a.headDim() * F;          // rotated/copied q, repeated (or copied) k and v
        long probs = b * heads * s * s * F;                        // softmax output, saved by probs @ v
        long vh = v * h * F;                                       // the (tied) embedding matrix
        long w = DecoderWeights.parameterCount(a) * F;

        // per block: layer input (kept by norm1), norm1's saved outputs, q/k/v, probs, merged heads, the inner
        // residual (kept by norm2), norm2's saved outputs, and the MLP
        long normSaved = a.norm() == NormKind.RMS_NORM ? 2 * bsh : bsh;   // RMS: xn and w·xn; LN: output
        long mlp = a.mlp() == MlpKind.GATED
                ? 5 * bsi                                          // gate, sigmoid(gate), silu, up, silu·up
                : 2 * bsi;                                         // fc1 output (kept by gelu), gelu output
        long perLayer = bsh + normSaved + qkv + probs + bsh + bsh + normSaved + mlp;
        long inputs = 2 * bs * 8;                                  // ids and labels, int64
        long finalNorm = bsh + normSaved;                          // last residual and the final norm's outputs
        long act = a.numLayers() * perLayer + finalNorm + inputs;

        long gNonEmbedding = w - vh;
        long backwardEnd = a.tiedEmbeddings()
                ? gNonEmbedding + 3 * vh   // LM-head grad buffered, embedding grad, their out-of-place sum
                : w + 0;                   // both vocabulary grads stolen into .grad
        long backwardStart = act + bsv + 2 * bsv;                  // log-probs, their grad (gather), logits' grad
        long lmHeadBackward = act + bsv + vh;                      // logits' grad and the head weight's grad

        long state;
        long optTemp;
        switch (c.optimizer()) {
            case ADAM, ADAMW -> {
                state = 2 * w;
                optTemp = w;                                       // _foreach_sqrt list
            }
            case SGD_MOMENTUM -> {
                state = w;
                optTemp = 0;
            }
            default -> {
                state = 0;
                optTemp = 0;
            }
        }
        Map<Phase, Long> m = new EnumMap<>(Phase.class);
        m.put(Phase.LOAD, w);
        m.put(Phase.FORWARD, w + act);
        m.put(Phase.LOSS, w + act + 2 * bsv);
        long backward = Math.max(Math.max(backwardStart, lmHeadBackward), backwardEnd);
        m.put(Phase.BACKWARD, w + backward);
        long optimizer = w + w + state + optTemp;
        m.put(Phase.OPTIMIZER_STEP, optimizer);
        long second = Math.max(Math.max(w + state + act + 2 * bsv, w + state + backward), optimizer);
        m.put(Phase.SECOND_STEP, second);
        return m;
    }
}
