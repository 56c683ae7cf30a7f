package dev.gpumem.estimate.ops;

import static dev.gpumem.estimate.ops.BlockProgram.INPUT;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.RunConfig.ModelCode;
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
 * Phases: the head, the upcast and the cross-entropy forward are phase loss (what exists when
 * {@code loss.backward()} is called); the loss's backward, from nll_loss's gradient on, runs inside
 * {@code backward()} and is phase backward.
 * chunked_loss: torchtune's CEWithChunkedOutputLoss, 8 chunks of the sequence (lit-gpt's: 128-token chunks in the
 * compute dtype, see {@code litGptChunkedLoss}):
 * one chunk's fp32 upcast at a time, every chunk's fp32 log-softmax output kept (see {@code chunkedLoss}); with
 * compile the per-chunk loss is one compiled graph that keeps only its compute-dtype input and two fp32 row
 * reductions (see {@code compiledChunkedLoss}).
 * Sequence classification: logits b·labels (pooled), negligible next to the blocks.
 */
public final class LmHeadOps extends ProgramWriter {
    private final HeadKind headKind;
    private final Dim labels;
    private final boolean chunked;
    private final boolean fused;
    private final List<Instr> loss = new ArrayList<>();
    /** chunks of the chunked cross-entropy (torchtune num_output_chunks default) */
    static final int CHUNKS = 8;
    /** lit-gpt's lm_head_chunk_size (finetune/lora.py @8641822) */
    static final long LITGPT_CHUNK_TOKENS = 128;

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
        slot(act("hidden.block_input", r, d.b(), d.st(), d.h()));  // INPUT: last block's output
        int[] n = norm(INPUT, r, "final_norm");
        if (n[1] == 0) {
            free(INPUT);
        } else {
            done(INPUT, true);
        }
        int y = n[0];
        boolean vocab = headKind != HeadKind.SEQUENCE_CLASSIFICATION && headKind != HeadKind.NONE;
        boolean cast = spec.amp() && r != c;
        int shard = -1;
        if (d.sequenceSplit()) {
            // sequence parallelism: the final norm ran on b·s/t·h and the LM head's input is all-gathered. DTensor's
            // output ColwiseParallel(input_layouts=Shard(1)) saves the gathered tensor (torchtitan); Megatron's output
            // ColumnParallelLinear saves the shard and gathers it again for the weight gradient (gpt_model.py
            // @e914fb7, layers.py @000c4ac), when it reads the norm output itself (no autocast copy, no chunks)
            boolean keepShard = spec.modelCode().keepsSequenceShard() && !cast && !(vocab && chunked);
            int g = alloc(kind("sp.gathered_input", Component.ACTIVATIONS,
                    keepShard ? Source.SEQUENCE_PARALLEL : Source.SEQUENCE_PARALLEL_DTENSOR, r, d.b(), d.s(), d.h()));
            if (keepShard) {
                shard = y;
            } else {
                free(y);
            }
            y = g;
        }
        List<Instr> forward = new ArrayList<>(fwd);
        fwd.clear();
        int x = y;
        if (cast) {
            x = alloc(TensorKind.of("head.input_cast", Component.ACTIVATIONS, Source.PYTORCH_AUTOCAST, c,
                    d.b(), d.s(), d.h()));
            free(y);
        }
        List<Integer> gradLogits = new ArrayList<>();
        List<Runnable> lossBackwards = new ArrayList<>();
        if (headKind == HeadKind.NONE) {
            done(x, false);
        } else if (vocab && chunked) {
            chunkedLoss(x, gradLogits, lossBackwards);
        } else {
            Dim[] tok = vocab ? new Dim[] {d.b(), d.s()} : new Dim[] {d.b()};
            Dim width = vocab ? d.v() : labels;
            int logits = alloc(TensorKind.of("logits", Component.LOGITS, Source.HF_LOSS, c, concat(tok, width)));
            if (shard >= 0) {
                free(x);
                done(shard, spec.linearSavesInput());
            } else {
                done(x, spec.linearSavesInput());
            }
            boolean softcap = vocab && spec.traits().softcapping().onLogits() && !fused;
            int tanh = -1;
            if (softcap) {   // Gemma 2: logits = tanh(logits / cap) * cap; tanh keeps its output
                int divided = alloc(TensorKind.of("logits.softcap_div", Component.LOGITS, Source.HF_MODELING, c,
                        concat(tok, width)));
                free(logits);
                tanh = alloc(TensorKind.of("logits.softcap_tanh", Component.LOGITS, Source.AUTOGRAD_SAVED, c,
                        concat(tok, width)));
                free(divided);
                logits = alloc(TensorKind.of("logits.softcapped", Component.LOGITS, Source.HF_MODELING, c,
                        concat(tok, width)));
                done(tanh, true);
            }
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
            Dim[] shape = concat(tok, width);
            lossBackwards.add(() -> gradLogits.add(softcap ? softcapBackward(lossBackward(lsm, shape), shape)
                    : lossBackward(lsm, shape)));
        }
        loss.addAll(fwd);
        fwd.clear();

        // backward() starts here: the loss's backward down to the gradient of the logits runs inside it, so it
        // belongs to phase backward (no runner can mark a point inside loss.backward())
        for (Runnable r : lossBackwards) {
            r.run();
        }
        bwd.addAll(fwd);
        fwd.clear();

        // backward: head (input gradient, weight gradients), then the final norm
        if (vocab && chunked) {
            // the compiled loss hands in its chunks' gradients itself, the others through their loss backwards
            int chunks = lossBackwards.isEmpty() ? gradLogits.size() : lossBackwards.size();
            return new HeadProgram(kinds, chunkedHeadBackward(gradLogits, chunks), forward, loss, bwd);
        }
        int gIn = balloc(grad("grad.head_input", c, d.b(), d.s(), d.h()), Part.ATTENTION);
        int regathered = shard >= 0 ? balloc(kind("sp.regathered_input", Component.TEMPORARY,
                Source.SEQUENCE_PARALLEL, c, d.b(), d.s(), d.h()), Part.ATTENTION) : -1;
        bwd.add(new Instr(Op.PARAM_GRADS, -1, Part.ATTENTION));
        if (regathered >= 0) {
            bwd.add(new Instr(Op.FREE, regathered, Part.ATTENTION));
        }
        for (int g : gradLogits) {
            bwd.add(new Instr(Op.FREE, g, Part.ATTENTION));
        }
        bwd.add(new Instr(Op.FREE_SAVED, -1, Part.ATTENTION));
        int gOut = balloc(grad("grad.hidden", r, d.b(), d.st(), d.h()), Part.ATTENTION);
        bwd.add(new Instr(Op.FREE, gIn, Part.ATTENTION));
        return new HeadProgram(kinds, gOut, forward, loss, bwd);
    }

    /**
     * The backward of a head applied chunk by chunk (torchtune's TransformerDecoder.chunked_output, pytorch/torchtune
     * torchtune/modules/transformer.py @3e5b040: {@code [self.output(chunk) for chunk in h.chunk(n, dim=1)]};
     * lit-gpt's {@code [self.lm_head(x_i) for x_i in x.split(128, dim=1)]}). Every chunk's cross-entropy backward
     * runs before any head matmul's (the engine takes the highest sequence number first, and the loss's nodes were
     * made after the model's), so all logit gradients exist when the head's backward starts, as the loss programs
     * above leave them. Each chunk's matmul backward then makes its input gradient (b·s/n·h) and the v·h gradient
     * of the head matrix: the first waits in the matrix's input buffer (AccumulateGrad runs once, after every use),
     * each later one is a transient summed into it in place; the chunk's logit gradient is freed. The input
     * gradients are concatenated by the chunk op's backward into the b·s·h gradient of the final norm's output.
     *
     * @param gradLogits the slots the head's backward frees: first any the loop keeps itself (lit-gpt's list of
     *                   logits, freed with the head's backward), then the last {@code n} chunks' logit gradients
     *                   in the order the head's backward consumes them
     * @param n          the number of chunks
     * @return the slot of the hidden state's gradient
     */
    private int chunkedHeadBackward(List<Integer> gradLogits, int n) {
        int kept = gradLogits.size() - n;
        long per = (d.s().value() + n - 1) / n;
        Dim chunk = new Dim("s/" + n, per);
        List<Integer> inputs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            inputs.add(balloc(grad("grad.head_input_chunk", c, d.b(), chunk, d.h()), Part.ATTENTION));
            bwd.add(new Instr(k == 0 ? Op.PARAM_GRADS : Op.PARAM_GRADS_AGAIN, -1, Part.ATTENTION));
            bwd.add(new Instr(Op.FREE, gradLogits.get(kept + k), Part.ATTENTION));
        }
        for (int k = 0; k < kept; k++) {
            bwd.add(new Instr(Op.FREE, gradLogits.get(k), Part.ATTENTION));
        }
        bwd.add(new Instr(Op.FREE_SAVED, -1, Part.ATTENTION));
        int gOut = balloc(grad("grad.hidden", r, d.b(), d.st(), d.h()), Part.ATTENTION);
        for (int g : inputs) {
            bwd.add(new Instr(Op.FREE, g, Part.ATTENTION));
        }
        return gOut;
    }

    /**
     * Backward of log_softmax + nll_loss down to the logits' gradient: nll_loss's gradient and log_softmax's
     * gradient (fp32) while the saved output is alive, then the cast back to the compute dtype.
     *
     * @return the slot of the logits' gradient (freed by the head's backward)
     */
    private int lossBackward(int lsm, Dim[] shape) {
        return lossBackward(lsm, shape, DType.FP32);
    }

    /** The same for a cross-entropy computed in {@code lossDtype} (fp32 after an upcast, else the compute dtype). */
    private int lossBackward(int lsm, Dim[] shape, DType lossDtype) {
        int gNll = alloc(TensorKind.of("grad.nll_loss", Component.LOGITS, Source.AUTOGRAD_SAVED, lossDtype, shape));
        int gLsm = alloc(TensorKind.of("grad.log_softmax", Component.LOGITS, Source.AUTOGRAD_SAVED, lossDtype,
                shape));
        free(gNll);
        free(lsm);
        if (c == lossDtype) {
            return gLsm;
        }
        int gLogits = alloc(TensorKind.of("grad.logits", Component.LOGITS, Source.AUTOGRAD_SAVED, c, shape));
        free(gLsm);
        return gLogits;
    }

    /**
     * Backward of {@code tanh(logits / cap) * cap}: the gradient through the mul, through tanh, through the div,
     * each a b·s·v tensor in the compute dtype freeing the one before.
     *
     * @return the slot of the LM head output's gradient
     */
    private int softcapBackward(int g, Dim[] shape) {
        int gMul = alloc(TensorKind.of("grad.logits_softcap", Component.LOGITS, Source.AUTOGRAD_SAVED, c, shape));
        free(g);
        int gTanh = alloc(TensorKind.of("grad.logits_softcap", Component.LOGITS, Source.AUTOGRAD_SAVED, c, shape));
        free(gMul);
        int gDiv = alloc(TensorKind.of("grad.logits_softcap", Component.LOGITS, Source.AUTOGRAD_SAVED, c, shape));
        free(gTanh);
        return gDiv;
    }

    /**
     * Chunked cross-entropy as torchtune's CEWithChunkedOutputLoss and lit-gpt's chunked_cross_entropy do it: the
     * LM head runs on {@link #CHUNKS} chunks of the sequence, each chunk is upcast and cross-entropied on its own,
     * so only one chunk's fp32 copy exists at a time; every chunk's log-softmax output is kept for backward, and
     * the loss's backward runs chunk by chunk.
     */
    private void chunkedLoss(int x, List<Integer> gradLogits, List<Runnable> lossBackwards) {
        if (spec.modelCode() == ModelCode.LITGPT && !fused) {
            litGptChunkedLoss(x, gradLogits, lossBackwards);
            return;
        }
        Dim chunk = new Dim("s/" + CHUNKS, (d.s().value() + CHUNKS - 1) / CHUNKS);
        Dim[] shape = {d.b(), chunk, d.v()};
        int[] logits = new int[CHUNKS];
        for (int k = 0; k < CHUNKS; k++) {
            logits[k] = alloc(TensorKind.of("logits.chunk", Component.LOGITS, Source.HF_LOSS, c, shape));
        }
        done(x, spec.linearSavesInput());
        if (fused) {
            compiledChunkedLoss(logits, chunk, shape, gradLogits);
            return;
        }
        int[] lsm = new int[CHUNKS];
        for (int k = 0; k < CHUNKS; k++) {
            int up = logits[k];
            if (c != DType.FP32 && !fused) {
                up = alloc(TensorKind.of("logits.chunk_fp32_upcast", Component.LOGITS, Source.HF_LOSS, DType.FP32,
                        shape));
            }
            lsm[k] = alloc(TensorKind.of("loss.chunk_log_softmax_out", Component.LOGITS, Source.AUTOGRAD_SAVED,
                    DType.FP32, shape));
            if (up != logits[k]) {
                free(up);
            }
        }
        for (int k = 0; k < CHUNKS; k++) {
            free(logits[k]);                        // the recipe drops the logits once the loss is computed
        }
        for (int k = CHUNKS - 1; k >= 0; k--) {
            int saved = lsm[k];
            lossBackwards.add(() -> gradLogits.add(lossBackward(saved, shape)));
        }
    }

    /**
     * lit-gpt's chunked loss (Lightning-AI/litgpt finetune/lora.py and lit_gpt/utils.py @8641822): the model returns
     * {@code [lm_head(x_i) for x_i in x.split(128, dim=1)]} (lm_head_chunk_size 128), and {@code
     * chunked_cross_entropy} runs {@code F.cross_entropy(logit_chunk, target_chunk, reduction="none")} on each
     * compute-dtype chunk, with no upcast: each chunk's log-softmax output is kept in the compute dtype. The train
     * loop's {@code logits} list keeps every chunk alive through backward (counted until the head's backward). The
     * loss's backward runs chunk by chunk in the compute dtype.
     */
    private void litGptChunkedLoss(int x, List<Integer> gradLogits, List<Runnable> lossBackwards) {
        long s = d.s().value();
        int n = (int) ((s + LITGPT_CHUNK_TOKENS - 1) / LITGPT_CHUNK_TOKENS);
        Dim[][] shapes = new Dim[n][];
        int[] logits = new int[n];
        for (int k = 0; k < n; k++) {
            long tokens = Math.min(LITGPT_CHUNK_TOKENS, s - (long) k * LITGPT_CHUNK_TOKENS);
            Dim chunk = tokens == LITGPT_CHUNK_TOKENS ? new Dim("128", tokens) : new Dim("s mod 128", tokens);
            shapes[k] = new Dim[] {d.b(), chunk, d.v()};
            logits[k] = alloc(TensorKind.of("logits.chunk", Component.LOGITS, Source.LITGPT_MODEL, c, shapes[k]));
        }
        done(x, spec.linearSavesInput());
        int[] lsm = new int[n];
        for (int k = 0; k < n; k++) {
            lsm[k] = alloc(TensorKind.of("loss.chunk_log_softmax_out", Component.LOGITS, Source.AUTOGRAD_SAVED, c,
                    shapes[k]));
        }
        for (int k = 0; k < n; k++) {
            gradLogits.add(logits[k]);              // the train loop's list: alive until the head's backward
        }
        for (int k = n - 1; k >= 0; k--) {
            int saved = lsm[k];
            Dim[] shape = shapes[k];
            lossBackwards.add(() -> gradLogits.add(lossBackward(saved, shape, c)));
        }
    }

    /**
     * compile + chunked_loss: torchtune compiles {@code compute_cross_entropy} (the upcast and the cross-entropy of
     * one chunk, {@code F.cross_entropy(logits.float(), ...)}) on its own. Inductor's min-cut partitioner
     * (torch/_functorch/partitioners.py) recomputes the pointwise upcast, exp and log in backward and saves only the
     * graph's input, the compute-dtype chunk, plus the row reductions it may not recompute (the row max and the
     * log-sum-exp, fp32, one per token): no fp32 b·s/8·v tensor outlives the chunk's kernel. The saved chunks keep
     * every chunk's logits alive after the recipe drops its list; the backward kernel (softmax minus one-hot, cast
     * back) writes the chunk's gradient in the compute dtype directly. Source: torchtune PR #1390 ("we compile the
     * upcasting with the loss") and CEWithChunkedOutputLoss's docstring.
     */
    private void compiledChunkedLoss(int[] logits, Dim chunk, Dim[] shape, List<Integer> gradLogits) {
        int[] rowMax = new int[CHUNKS];
        int[] logSumExp = new int[CHUNKS];
        for (int k = 0; k < CHUNKS; k++) {
            rowMax[k] = alloc(TensorKind.of("loss.chunk_row_max", Component.LOGITS, Source.AUTOGRAD_SAVED,
                    DType.FP32, d.b(), chunk));
            logSumExp[k] = alloc(TensorKind.of("loss.chunk_logsumexp", Component.LOGITS, Source.AUTOGRAD_SAVED,
                    DType.FP32, d.b(), chunk));
        }
        for (int k = CHUNKS - 1; k >= 0; k--) {
            int g = alloc(TensorKind.of("grad.logits_chunk", Component.LOGITS, Source.AUTOGRAD_SAVED, c, shape));
            free(logits[k]);                        // the compiled graph's saved input dies with its backward
            free(rowMax[k]);
            free(logSumExp[k]);
            gradLogits.add(g);
        }
    }
}
