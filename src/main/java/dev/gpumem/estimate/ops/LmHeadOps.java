package dev.gpumem.estimate.ops;

import static dev.gpumem.estimate.ops.BlockProgram.INPUT;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.ops.BlockProgram.Instr;
import dev.gpumem.estimate.ops.BlockProgram.Op;
import dev.gpumem.estimate.timeline.Dim;
import dev.gpumem.estimate.timeline.TensorKind;
import dev.gpumem.model.Architecture.HeadKind;
import dev.gpumem.units.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * The final norm, the LM head and the cross-entropy loss, counted explicitly: at large vocabularies they are often
 * the peak of a step.
 *
 * <p>Causal LM, Hugging Face transformers ≥ 4.46 ({@code ForCausalLMLoss}):
 * <ul>
 *   <li>logits b·s·v in the compute dtype (lm_head keeps its input when trained);</li>
 *   <li>{@code logits.float()}: an fp32 copy b·s·v (none when the compute dtype is already fp32);</li>
 *   <li>{@code cross_entropy} = log_softmax (keeps its fp32 output b·s·v) + nll_loss;</li>
 *   <li>the fp32 copy dies when the loss function returns, the compute-dtype logits when the model output is
 *       dropped (HF Trainer's compute_loss and {@code model(**batch).loss.backward()} both drop it before
 *       backward);</li>
 *   <li>backward: nll_loss's gradient b·s·v fp32, log_softmax's gradient b·s·v fp32, the cast back to the compute
 *       dtype b·s·v, then lm_head's input gradient b·s·h.</li>
 * </ul>
 * chunked_loss: modelled as Liger's fused linear cross-entropy — the loss and its gradients are computed in the
 * forward, chunk by chunk of ⌈b·s/⌈v/h⌉⌉ tokens (rounded up to a power of two), so only one chunk of logits
 * exists; the input gradient b·s·h and the head's weight gradient are made in the forward.
 * Sequence classification: logits b·labels (pooled), negligible next to the blocks.
 */
public final class LmHeadOps extends ProgramWriter {
    private final HeadKind headKind;
    private final Dim labels;
    private final boolean chunked;
    private final boolean fused;
    private final List<Instr> loss = new ArrayList<>();

    private LmHeadOps(BlockSpec spec, Dims dims, HeadKind headKind, int numLabels, boolean chunked, boolean fused) {
        super(spec, dims);
        this.headKind = headKind;
        this.labels = new Dim("labels", Math.max(1, numLabels));
        this.chunked = chunked;
        this.fused = fused;
    }

    /**
     * @param chunked chunked_loss (fused linear cross-entropy)
     * @param fused   compile: the fp32 upcast is fused into the log-softmax kernel
     */
    public static HeadProgram program(BlockSpec spec, Dims dims, HeadKind headKind, int numLabels, boolean chunked,
                                      boolean fused) {
        return new LmHeadOps(spec, dims, headKind, numLabels, chunked, fused).build();
    }

    private HeadProgram build() {
        slot(act("hidden.block_input", r, d.b(), d.s(), d.h()));   // INPUT: last block's output
        int[] n = norm(INPUT, r, "final_norm");
        if (n[1] == 0) {
            free(INPUT);
        } else {
            done(INPUT, true);
        }
        int y = n[0];
        List<Instr> forward = new ArrayList<>(fwd);
        fwd.clear();
        boolean vocab = headKind != HeadKind.SEQUENCE_CLASSIFICATION && headKind != HeadKind.NONE;
        boolean cast = spec.amp() && r != c;
        int x = y;
        if (cast) {
            x = alloc(TensorKind.of("head.input_cast", Component.ACTIVATIONS, Source.PYTORCH_AUTOCAST, c,
                    d.b(), d.s(), d.h()));
            free(y);
        }
        int gradHidden;
        if (headKind == HeadKind.NONE) {
            done(x, false);
            gradHidden = -1;
        } else if (vocab && chunked) {
            gradHidden = alloc(TensorKind.of("loss.fused_grad_input", Component.TEMPORARY, Source.GPUMEM_ASSUMPTION,
                    c, d.b(), d.s(), d.h()));
            paramGrads();
            long tokens = d.b().value() * d.s().value();
            long chunks = (d.v().value() + d.h().value() - 1) / d.h().value();
            long chunk = Long.highestOneBit(Math.max(1, (tokens + chunks - 1) / chunks));
            if (chunk < (tokens + chunks - 1) / chunks) {
                chunk <<= 1;
            }
            chunk = Math.min(chunk, tokens);
            int lc = alloc(TensorKind.of("logits.chunk", Component.LOGITS, Source.GPUMEM_ASSUMPTION, c,
                    new Dim("chunk", chunk), d.v()));
            free(lc);
            done(x, spec.linearSavesInput());
        } else {
            Dim[] tok = vocab ? new Dim[] {d.b(), d.s()} : new Dim[] {d.b()};
            Dim width = vocab ? d.v() : labels;
            int logits = alloc(TensorKind.of("logits", Component.LOGITS, Source.HF_LOSS, c, concat(tok, width)));
            done(x, spec.linearSavesInput());
            int l32 = logits;
            if (c != DType.FP32 && !fused) {
                l32 = alloc(TensorKind.of("logits.fp32_upcast", Component.LOGITS, Source.HF_LOSS, DType.FP32,
                        concat(tok, width)));
            }
            int lsm = alloc(TensorKind.of("loss.log_softmax_out", Component.LOGITS, Source.AUTOGRAD_SAVED, DType.FP32,
                    concat(tok, width)));
            if (l32 != logits) {
                free(l32);
            }
            free(logits);
            // backward of the loss, down to the gradient of the logits
            int gNll = alloc(TensorKind.of("grad.nll_loss", Component.LOGITS, Source.AUTOGRAD_SAVED, DType.FP32,
                    concat(tok, width)));
            int gLsm = alloc(TensorKind.of("grad.log_softmax", Component.LOGITS, Source.AUTOGRAD_SAVED, DType.FP32,
                    concat(tok, width)));
            free(gNll);
            free(lsm);
            int gLogits = gLsm;
            if (c != DType.FP32) {
                gLogits = alloc(TensorKind.of("grad.logits", Component.LOGITS, Source.AUTOGRAD_SAVED, c,
                        concat(tok, width)));
                free(gLsm);
            }
            gradHidden = gLogits;   // freed by the head's backward below
        }
        loss.addAll(fwd);
        fwd.clear();

        // backward: head (input gradient, weight gradients), then the final norm
        int gIn = -1;
        if (headKind != HeadKind.NONE && !(vocab && chunked)) {
            gIn = balloc(grad("grad.head_input", c, d.b(), d.s(), d.h()), Part.ATTENTION);
            bwd.add(new Instr(Op.PARAM_GRADS, -1, Part.ATTENTION));
            bwd.add(new Instr(Op.FREE, gradHidden, Part.ATTENTION));
        } else if (headKind != HeadKind.NONE) {
            gIn = gradHidden;
        } else {
            gIn = balloc(grad("grad.head_input", c, d.b(), d.s(), d.h()), Part.ATTENTION);
            bwd.add(new Instr(Op.PARAM_GRADS, -1, Part.ATTENTION));
        }
        bwd.add(new Instr(Op.FREE_SAVED, -1, Part.ATTENTION));
        int gOut = balloc(grad("grad.hidden", r, d.b(), d.s(), d.h()), Part.ATTENTION);
        bwd.add(new Instr(Op.FREE, gIn, Part.ATTENTION));
        return new HeadProgram(kinds, gOut, forward, loss, bwd);
    }

    private void paramGrads() {
        fwd.add(new Instr(Op.PARAM_GRADS, -1, Part.ATTENTION));
    }
}
