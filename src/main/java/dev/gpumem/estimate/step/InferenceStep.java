package dev.gpumem.estimate.step;

import static dev.gpumem.estimate.ops.BlockProgram.INPUT;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.RunConfig.RunOption;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.device.Calibration;
import dev.gpumem.estimate.ops.BlockProgram;
import dev.gpumem.estimate.ops.Dims;
import dev.gpumem.estimate.ops.Part;
import dev.gpumem.estimate.timeline.Dim;
import dev.gpumem.estimate.timeline.TensorKind;
import dev.gpumem.estimate.timeline.Timeline;
import dev.gpumem.model.Architecture.HeadKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Architecture.StackKind;
import dev.gpumem.model.Inventory;
import dev.gpumem.units.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * The timeline of inference under {@code torch.no_grad()}: load, prefill, decode.
 *
 * <ul>
 *   <li>load: weights in the precision's parameter dtype (quantized ones as stored).</li>
 *   <li>prefill: a plain forward over the prompt (b = inference.batch, s = seq): every tensor dies at its last use,
 *       so a block's working set is the largest transient set; each block leaves K and V in the cache
 *       (2·b·kv·s·d, kv_cache_dtype, GQA-aware); a causal LM's logits for the last prompt token only, b·1·v, and
 *       their fp32 copy for sampling, as {@code generate()} runs the prompt since transformers 4.45
 *       ({@code logits_to_keep=1}); with option prefill_all_logits (a plain {@code model(input_ids)} call, or an
 *       older generate()) logits for every prompt token, b·s·v. Other heads keep every position's output.</li>
 *   <li>decode: one token per sequence against a cache grown to inference.context_tokens. HF's DynamicCache grows
 *       by {@code torch.cat}, so while a block appends, its old and new K/V exist together; the block's working set
 *       has s = 1 and attends to ctx positions; logits b·1·v plus their fp32 copy for sampling. A sliding-window
 *       block (Gemma 2/3, Cohere 2, gpt-oss, Mistral with sliding_window, ...) caches at most its window w
 *       (min(ctx, w) positions).</li>
 *   <li>encoder-only models: no cache and no decode.</li>
 * </ul>
 */
public final class InferenceStep {
    private final StepSpec spec;
    private final ModelState state;
    private final Timeline tl = new Timeline();
    /** K and V of every block, prompt length after prefill, context length after decode */
    private final List<Integer> cache = new ArrayList<>();

    private InferenceStep(Inventory inv, StepSpec spec) {
        this.spec = spec;
        this.state = ModelState.of(inv, spec.cfg, spec.sharding, spec.stage, false);
    }

    /** @return the timeline of load, prefill and decode on the counted rank */
    public static StepTimeline build(Inventory inv, RunConfig cfg, Calibration calibration) {
        StepSpec spec = new StepSpec(inv, cfg, calibration);
        InferenceStep s = new InferenceStep(inv, spec);
        s.run();
        return new StepTimeline(s.tl, spec.layers, s.state.params(), 0, spec.stage);
    }

    private void run() {
        RunConfig cfg = spec.cfg;
        boolean decoder = spec.arch.stack() != StackKind.ENCODER_ONLY;
        tl.phase(Phase.LOAD);
        for (ParamEntry e : state.all()) {
            tl.alloc(e.weight());
            if (e.quantState() != null) {
                tl.alloc(e.quantState());
            }
        }
        tl.phase(Phase.PREFILL);
        TensorKind ws = spec.workspace();
        if (ws != null) {
            tl.alloc(ws);
        }
        int batch = cfg.inference().batch();
        Dims prefill = spec.dims(batch, cfg.seq());
        pass(prefill, decoder ? prefill.s() : null, true);
        if (decoder) {
            tl.phase(Phase.DECODE);
            Dims decode = prefill.decode(cfg.inference().contextTokens());
            pass(decode, decode.keys(), false);
        }
    }

    /**
     * One forward pass without grad.
     *
     * @param cacheLen positions the cache holds after this pass (null: no cache)
     * @param prefill  whether this is the prompt pass (else one decode token, which replaces the cache by a grown one)
     */
    private void pass(Dims d, Dim cacheLen, boolean prefill) {
        RegisteredBlocks blocks = new RegisteredBlocks(tl, spec.arch, spec.blockSpec(false), d);
        int ids = tl.alloc(spec.tokens("input.input_ids", d));
        int h = spec.stage.holdsEmbedding() ? tl.alloc(spec.hidden("hidden.embedding_out", d))
                : tl.alloc(TensorKind.of("hidden.from_previous_stage", Component.ACTIVATIONS, Source.PIPELINE_1F1B,
                spec.residual, d.b(), d.s(), d.h()));             // a later pipeline stage receives the hidden state
        if (spec.stage.holdsEmbedding() && spec.arch.positions() == PositionKind.LEARNED) {
            int pos = tl.alloc(spec.hidden("hidden.position_embedding", d));
            int sum = tl.alloc(spec.hidden("hidden.embedding_sum", d));
            tl.free(h);
            tl.free(pos);
            h = sum;
        }
        int cos = -1;
        int sin = -1;
        if (spec.rope("rope.cos", d) != null) {
            cos = tl.alloc(spec.rope("rope.cos", d));
            sin = tl.alloc(spec.rope("rope.sin", d));
        }
        int mask = spec.causalMask(d) != null && prefill ? tl.alloc(spec.causalMask(d)) : -1;
        List<Integer> copies = new ArrayList<>();
        DType cacheType = spec.cfg.inference().kvCacheDtype();
        for (int i = 0; i < spec.layers; i++) {
            int layer = spec.stage.globalLayer(i);
            RegisteredBlocks.Block b = blocks.at(layer);
            BlockProgram program = b.program();
            ProgramRun run = new ProgramRun(tl, b.kinds(), program.coreSlots());
            run.ids[INPUT] = h;
            List<ParamEntry> entries = state.block(i);
            run.forward(program.forward(), false, false, -1, new ProgramRun.Hooks() {
                @Override
                public void weightCopies(Part part) {
                    for (ParamEntry e : entries) {
                        if (e.part() == part && e.autocastCopy() != null) {
                            copies.add(tl.alloc(e.autocastCopy()));   // cached until autocast exits
                        }
                    }
                }

                @Override
                public void dequant(Part part) {
                    for (ParamEntry e : entries) {
                        if (e.part() == part && e.dequant() != null) {
                            tl.free(tl.alloc(e.dequant()));
                        }
                    }
                }

                @Override
                public void paramGrads(Part part) {
                }
            });
            h = run.ids[program.output()];
            if (cacheLen != null) {
                Dim held = heldPositions(layer, cacheLen, prefill);
                TensorKind k = TensorKind.of("kv_cache.k", Component.KV_CACHE, Source.KV_CACHE, cacheType,
                        d.b(), d.kv(), held, d.d());
                TensorKind v = TensorKind.of("kv_cache.v", Component.KV_CACHE, Source.KV_CACHE, cacheType,
                        d.b(), d.kv(), held, d.dv());
                int nk = tl.alloc(k);
                int nv = tl.alloc(v);
                if (!prefill) {           // torch.cat made the grown tensors; the prompt-length ones go
                    tl.free(cache.get(2 * i));
                    tl.free(cache.get(2 * i + 1));
                }
                cache.add(nk);
                cache.add(nv);
            }
        }
        // final norm and head (on the last pipeline stage; an earlier one sends the hidden state on)
        int normOut = spec.stage.holdsHead() ? tl.alloc(spec.hidden("final_norm.out", d)) : -1;
        tl.free(h);
        HeadKind head = spec.arch.head().kind();
        if (normOut >= 0 && head != HeadKind.NONE) {
            boolean vocab = head != HeadKind.SEQUENCE_CLASSIFICATION;
            // generate() (transformers >= 4.45) runs the prompt with logits_to_keep=1: the LM head sees the last
            // position only and the first new token is sampled from its fp32 copy
            boolean generating = !prefill || (head == HeadKind.CAUSAL_LM
                    && !spec.option(RunOption.PREFILL_ALL_LOGITS));
            Dim rows = prefill && generating ? d.one() : d.s();
            Dim width = vocab ? d.v() : new Dim("labels", Math.max(1, spec.arch.head().numLabels()));
            TensorKind logitsKind = vocab
                    ? TensorKind.of("logits", Component.LOGITS, Source.HF_MODELING, spec.compute, d.b(), rows, width)
                    : TensorKind.of("logits", Component.LOGITS, Source.HF_MODELING, spec.compute, d.b(), width);
            int logits = tl.alloc(logitsKind);
            tl.free(normOut);
            if (generating && vocab) {
                int sample = tl.alloc(TensorKind.of("logits.next_token_fp32", Component.LOGITS, Source.HF_MODELING,
                        DType.FP32, d.b(), width));
                tl.free(sample);
            }
            tl.free(logits);
        } else if (normOut >= 0) {
            tl.free(normOut);
        }
        for (int id : copies) {
            tl.free(id);
        }
        if (mask >= 0) {
            tl.free(mask);
        }
        if (cos >= 0) {
            tl.free(cos);
            tl.free(sin);
        }
        tl.free(ids);
    }

    /**
     * @return the positions block {@code layer}'s cached K and V hold: {@code cacheLen}, except for a sliding-window
     *         block when decoding, which holds min(ctx, window) (transformers cache_utils.py @004999d
     *         DynamicSlidingWindowLayer.update: the cache is a view of the last window - 1 positions of the
     *         {@code torch.cat} of the old cache and the new token, so the cat's window positions stay allocated).
     *         After the prompt the view keeps the whole prompt-length cat, so prefill holds s there too.
     */
    private Dim heldPositions(int layer, Dim cacheLen, boolean prefill) {
        var window = spec.arch.slidingWindow();
        if (prefill || !window.slides(layer) || cacheLen.value() <= window.tokens()) {
            return cacheLen;
        }
        return new Dim("w", window.tokens());
    }
}
