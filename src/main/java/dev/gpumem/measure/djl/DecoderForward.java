package dev.gpumem.measure.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;

/**
 * The forward pass and the loss of a decoder-only causal LM in raw DJL NDArray ops, following Hugging Face's eager
 * implementations (LlamaForCausalLM, GPT2LMHeadModel with eager attention) op for op, so that autograd saves the
 * same tensors as PyTorch does there.
 *
 * <p>Lifetimes: every method closes the Java handle of each intermediate as soon as it has been used. What stays
 * in memory afterwards is exactly what autograd saved for backward (the graph holds its own references,
 * pytorch/pytorch tools/autograd/derivatives.yaml), plus the arrays a method returns. Notation: b batch, s
 * sequence, h hidden, a query heads, k key/value heads, d head dim, i MLP width, v vocabulary; "saves" lists the
 * tensors an op keeps for backward beyond ones already kept.
 */
final class DecoderForward {
    private final Architecture arch;
    private final DecoderWeights w;
    private final DataType dtype;
    private final int batch;
    private final int seq;

    DecoderForward(Architecture arch, DecoderWeights weights, DataType dtype, int batch, int seq) {
        this.arch = arch;
        this.w = weights;
        this.dtype = dtype;
        this.batch = batch;
        this.seq = seq;
    }

    /**
     * Per-step constants that need no gradient: the causal mask {@code [1,1,s,s]} (HF builds it once per model
     * forward and drops it at its end) and RoPE's cos/sin tables {@code [s,d]} or the position ids {@code [1,s]}.
     */
    static final class StepConstants implements AutoCloseable {
        final NDArray mask;
        final NDArray cos;
        final NDArray sin;
        final NDArray positions;

        private StepConstants(NDArray mask, NDArray cos, NDArray sin, NDArray positions) {
            this.mask = mask;
            this.cos = cos;
            this.sin = sin;
            this.positions = positions;
        }

        @Override
        public void close() {
            for (NDArray a : new NDArray[] {mask, cos, sin, positions}) {
                if (a != null) {
                    a.close();
                }
            }
        }
    }

    StepConstants constants(NDManager m) {
        NDArray mask;
        try (NDManager t = m.newSubManager()) {
            NDArray rows = t.arange(seq).reshape(seq, 1);
            NDArray cols = t.arange(seq).reshape(1, seq);
            // -1e9 above the diagonal, 0 elsewhere (HF fills with the dtype's minimum; the bytes are the same)
            mask = cols.gt(rows).toType(dtype, false).mul(-1e9f).reshape(1, 1, seq, seq);
            mask.attach(m);
        }
        if (arch.positions() == PositionKind.LEARNED) {
            NDArray pos = m.arange(0, seq, 1, DataType.INT64).reshape(1, seq);
            return new StepConstants(mask, null, null, pos);
        }
        int d = arch.headDim();
        NDArray cos;
        NDArray sin;
        try (NDManager t = m.newSubManager()) {
            NDArray pos = t.arange(seq).toType(DataType.FLOAT32, false).reshape(seq, 1);
            NDArray inv = t.arange(0, d, 2, DataType.FLOAT32).mul(-Math.log(10000.0) / d).exp().reshape(1, d / 2);
            NDArray freqs = pos.mul(inv);
            NDArray emb = NDArrays.concat(new NDList(freqs, freqs), -1);
            cos = emb.cos().toType(dtype, false);
            sin = emb.sin().toType(dtype, false);
            cos.attach(m);
            sin.attach(m);
        }
        return new StepConstants(mask, cos, sin, null);
    }

    /**
     * Embeddings, the decoder blocks and the final norm. Returns the final normed hidden states {@code [b,s,h]}.
     * Closes nothing it did not create; {@code ids} stays the caller's.
     */
    NDArray hidden(NDArray ids, StepConstants c) {
        NDArray x = embed(ids, c);
        for (int layer = 0; layer < arch.numLayers(); layer++) {
            x = block(layer, x, c);
        }
        NDArray out = norm("model.norm", x);
        x.close();
        return out;
    }

    /**
     * Token embedding lookup {@code [b,s,h]}: saves the indices (int64 b·s) only (embedding_backward needs the
     * weight's row count, not the weight). Learned positions: a second lookup {@code [1,s,h]} and an add, which
     * saves nothing; both lookups are freed after the add.
     */
    private NDArray embed(NDArray ids, StepConstants c) {
        NDArray tok = Embedding.embedding(ids, w.get("model.embed_tokens.weight"), SparseFormat.DENSE)
                .singletonOrThrow();
        if (DecoderWeights.gemma(arch)) {
            // Gemma: hidden_states * normalizer (√h): a scalar mul, which saves nothing
            NDArray scaled = tok.mul((float) Math.sqrt(arch.hiddenSize()));
            tok.close();
            return scaled;
        }
        if (c.positions == null) {
            return tok;
        }
        NDArray pos = Embedding.embedding(c.positions, w.get("model.embed_positions.weight"), SparseFormat.DENSE)
                .singletonOrThrow();
        NDArray x = tok.add(pos);
        tok.close();
        pos.close();
        return x;
    }

    /** One pre-norm decoder block; closes its input's handle (autograd keeps what it saved). */
    private NDArray block(int layer, NDArray x, StepConstants c) {
        String p = "model.layers." + layer + ".";
        boolean sandwich = DecoderWeights.sandwich(arch);
        NDArray n1 = norm(p + "input_layernorm", x);
        NDArray attn = attention(p + "self_attn.", n1, c);
        n1.close();
        if (sandwich) {              // Gemma 2: the attention output is normed before the residual add
            NDArray normed = norm(p + "post_attention_layernorm", attn);
            attn.close();
            attn = normed;
        }
        // residual add: saves nothing; the branch output is freed
        NDArray x1 = x.add(attn);
        attn.close();
        x.close();
        NDArray n2 = norm(p + (sandwich ? "pre_feedforward_layernorm" : "post_attention_layernorm"), x1);
        NDArray mlp = mlp(p + "mlp.", n2);
        n2.close();
        if (sandwich) {
            NDArray normed = norm(p + "post_feedforward_layernorm", mlp);
            mlp.close();
            mlp = normed;
        }
        NDArray x2 = x1.add(mlp);
        mlp.close();
        x1.close();
        return x2;
    }

    /**
     * RMSNorm as HF's LlamaRMSNorm, or torch.nn.LayerNorm.
     *
     * <p>RMSNorm, fp32: {@code x.pow(2)} (run as {@code square}) saves x (the residual, already alive) and is freed after {@code mean};
     * {@code rsqrt(var + eps)} saves its b·s input; {@code x * r} saves x and r; {@code weight * xn} saves the
     * weight and xn (b·s·h). Output b·s·h (saved by the next linear). So: xn plus the output, per norm. In half
     * precision HF first upcasts x to fp32 (saved, b·s·h·4) and casts xn back (saved as half).
     *
     * <p>LayerNorm: native_layer_norm saves input, weight, bias, mean and rstd (b·s each); output b·s·h.
     */
    private NDArray norm(String name, NDArray x) {
        NDArray weight = w.get(name + ".weight");
        if (arch.norm() == NormKind.LAYER_NORM) {
            return LayerNorm.layerNorm(x, new Shape(arch.hiddenSize()), weight, w.get(name + ".bias"), 1e-5f)
                    .singletonOrThrow();
        }
        NDArray x32 = dtype == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
        // square is pow.Tensor_Scalar (saves x only); DJL's pow(2) would be pow.Tensor_Tensor, which also saves
        // its result (measured: one b·s·h more per norm)
        NDArray sq = x32.square();
        NDArray var = sq.mean(new int[] {-1}, true);
        sq.close();
        NDArray ve = var.add(1e-5f);
        var.close();
        NDArray r = ve.pow(-0.5f);
        ve.close();
        NDArray xn32 = x32.mul(r);
        r.close();
        if (x32 != x) {
            x32.close();
        }
        NDArray xn = dtype == DataType.FLOAT32 ? xn32 : xn32.toType(dtype, false);
        if (xn != xn32) {
            xn32.close();
        }
        NDArray out;
        if (DecoderWeights.gemma(arch)) {
            // Gemma: output * (1.0 + weight): the mul saves the normalised input and 1 + w (h elements)
            NDArray scale = weight.add(1f);
            out = xn.mul(scale);
            scale.close();
        } else {
            out = weight.mul(xn);
        }
        xn.close();
        return out;
    }

    /** torch.nn.functional.linear: saves the input and the weight; output new. Bias may be absent. */
    private NDArray linear(String name, NDArray x) {
        NDArray bias = w.optional(name + ".bias");
        NDList out = bias == null ? Linear.linear(x, w.get(name + ".weight"))
                : Linear.linear(x, w.get(name + ".weight"), bias);
        return out.singletonOrThrow();
    }

    /**
     * HF eager attention with GQA and RoPE.
     * <ul>
     *   <li>q/k/v projections: each saves the normed input (shared) and its weight.</li>
     *   <li>RoPE {@code q·cos + rotate_half(q)·sin}: the muls save cos/sin (constants), split/neg/cat save nothing,
     *       so the projection output is freed and the rotated q (b·a·s·d) and k (b·k·s·d) remain.</li>
     *   <li>repeat_kv (expand + reshape): a copy b·a·s·d each for k and v when k &lt; a; saves nothing.</li>
     *   <li>{@code q @ kᵀ}: saves q and k (b·a·s·d each); when q or k is a non-contiguous head view (no RoPE, no
     *       repeat) matmul saves a contiguous copy instead, and the projection output is freed. Output b·a·s·s.</li>
     *   <li>scale and mask add: new b·a·s·s each, save nothing; freed after the next op.</li>
     *   <li>softmax: saves its output, the probabilities (b·a·s·s; computed in fp32 and cast back in half).</li>
     *   <li>{@code probs @ v}: saves probs and v (b·a·s·d). Output transposed and made contiguous: a copy
     *       b·s·a·d, saved by o_proj, which saves it and its weight.</li>
     * </ul>
     */
    private NDArray attention(String p, NDArray x, StepConstants c) {
        int a = arch.numHeads();
        int k = arch.numKvHeads();
        int d = arch.headDim();
        boolean qkNorm = DecoderWeights.qkNorm(arch);
        NDArray q;
        NDArray kk;
        NDArray v;
        if (DecoderWeights.fusedProjections(arch)) {
            // Phi-3: qkv[..., :a·d], qkv[..., a·d:(a+k)·d], qkv[..., (a+k)·d:] are views of one projection, so the
            // v that attention keeps keeps q's and k's pre-RoPE bytes alive too
            NDArray qkv = linear(p + "qkv_proj", x);
            NDList parts = qkv.split(new long[] {(long) a * d, (long) (a + k) * d}, 2);
            qkv.close();
            q = heads(parts.get(0), a, d);
            kk = heads(parts.get(1), k, d);
            v = heads(parts.get(2), k, d);
        } else {
            q = qkNorm ? normedHeads(linear(p + "q_proj", x), a, d, p + "q_norm")
                    : heads(linear(p + "q_proj", x), a, d);
            kk = qkNorm ? normedHeads(linear(p + "k_proj", x), k, d, p + "k_norm")
                    : heads(linear(p + "k_proj", x), k, d);
            v = heads(linear(p + "v_proj", x), k, d);
        }
        if (c.cos != null) {
            q = rope(q, c);
            kk = rope(kk, c);
        }
        kk = repeatKv(kk, a / k);
        v = repeatKv(v, a / k);
        NDArray kt = kk.transpose(0, 1, 3, 2);
        NDArray scores = q.matMul(kt);
        kt.close();
        kk.close();
        q.close();
        NDArray scaled = scores.mul((float) (1.0 / Math.sqrt(d)));
        scores.close();
        if (arch.traits().softcapping().onAttention()) {   // Gemma 2 attn_logit_softcapping
            scaled = softcap(scaled, (float) arch.traits().softcapping().attention());
        }
        NDArray masked = scaled.add(c.mask);
        scaled.close();
        NDArray probs;
        if (dtype == DataType.FLOAT32) {
            probs = masked.softmax(-1);
            masked.close();
        } else {
            NDArray m32 = masked.toType(DataType.FLOAT32, false);
            masked.close();
            NDArray p32 = m32.softmax(-1);
            m32.close();
            probs = p32.toType(dtype, false);
            p32.close();
        }
        NDArray ctx = probs.matMul(v);
        probs.close();
        v.close();
        NDArray ctxT = ctx.transpose(0, 2, 1, 3);
        ctx.close();
        NDArray merged = ctxT.reshape(batch, seq, (long) a * d);
        ctxT.close();
        NDArray o = linear(p + "o_proj", merged);
        merged.close();
        return o;
    }

    /** {@code [b,s,n·d] -> [b,n,s,d]}: views only; the projection's handle is closed, its storage lives on. */
    private NDArray heads(NDArray projected, int n, int d) {
        NDArray r = projected.reshape(batch, seq, n, d);
        projected.close();
        NDArray t = r.transpose(0, 2, 1, 3);
        r.close();
        return t;
    }

    /**
     * Qwen3: {@code q_norm(q_proj(x).view(b, s, n, d)).transpose(1, 2)}: the RMSNorm over head_dim runs on the
     * {@code [b,s,n,d]} view (keeping it, fp32 here, as the block norms keep theirs), then the heads are transposed.
     */
    private NDArray normedHeads(NDArray projected, int n, int d, String norm) {
        NDArray r = projected.reshape(batch, seq, n, d);
        projected.close();
        NDArray normed = norm(norm, r);
        r.close();
        NDArray t = normed.transpose(0, 2, 1, 3);
        normed.close();
        return t;
    }

    /**
     * Gemma 2's softcapping {@code tanh(x / cap) * cap}: the scalar div and mul save nothing, tanh saves its output.
     * Closes x's handle.
     */
    private static NDArray softcap(NDArray x, float cap) {
        NDArray divided = x.div(cap);
        x.close();
        NDArray t = divided.tanh();
        divided.close();
        NDArray out = t.mul(cap);
        t.close();
        return out;
    }

    /** {@code x·cos + rotate_half(x)·sin}; closes x's handle. */
    private NDArray rope(NDArray x, StepConstants c) {
        long half = arch.headDim() / 2;
        NDList halves = x.split(new long[] {half}, 3);
        NDArray neg = halves.get(1).neg();
        NDArray rot = NDArrays.concat(new NDList(neg, halves.get(0)), 3);
        neg.close();
        halves.close();
        NDArray xc = x.mul(c.cos);
        x.close();
        NDArray rs = rot.mul(c.sin);
        rot.close();
        NDArray out = xc.add(rs);
        xc.close();
        rs.close();
        return out;
    }

    /** HF repeat_kv: {@code x[:, :, None].expand(b,k,n,s,d).reshape(b,k·n,s,d)} (a copy); identity when n = 1. */
    private NDArray repeatKv(NDArray x, int n) {
        if (n == 1) {
            return x;
        }
        long k = x.getShape().get(1);
        long d = x.getShape().get(3);
        NDArray e = x.expandDims(2);
        x.close();
        NDArray b = e.broadcast(batch, k, n, seq, d);
        e.close();
        NDArray out = b.reshape(batch, k * n, seq, d);
        b.close();
        return out;
    }

    /**
     * The MLP.
     * <ul>
     *   <li>Gated (SwiGLU): gate and up projections (b·s·i each, saved by the activation and the product),
     *       {@code act(gate)·up} (saves act and up), down projection (saves the product). SiLU: DJL 0.36's JNI has
     *       no fused silu, so it runs as {@code g·sigmoid(g)}: sigmoid saves its output and the mul saves g and it,
     *       one b·s·i more than torch's silu (which saves only g). GELU: torch's gelu, saves its input.</li>
     *   <li>Plain: fc1 (b·s·i), the activation, fc2 (saves the activation's output).</li>
     * </ul>
     */
    private NDArray mlp(String p, NDArray x) {
        if (arch.mlp() == MlpKind.GATED) {
            NDArray gate;
            NDArray up;
            if (DecoderWeights.fusedProjections(arch)) {   // Phi-3: gate, up = gate_up_proj(x).chunk(2, dim=-1)
                NDArray gu = linear(p + "gate_up_proj", x);
                NDList halves = gu.split(2, 2);
                gu.close();
                gate = halves.get(0);
                up = halves.get(1);
            } else {
                gate = linear(p + "gate_proj", x);
                up = linear(p + "up_proj", x);
            }
            NDArray act = activation(gate);
            gate.close();
            NDArray prod = act.mul(up);
            act.close();
            up.close();
            NDArray down = linear(p + "down_proj", prod);
            prod.close();
            return down;
        }
        NDArray h1 = linear(p + "fc1", x);
        NDArray act = activation(h1);
        h1.close();
        NDArray out = linear(p + "fc2", act);
        act.close();
        return out;
    }

    /**
     * The activation; the caller keeps (and closes) its input handle.
     * <ul>
     *   <li>SILU: {@code x·sigmoid(x)} (see {@link #mlp}): saves x and sigmoid(x).</li>
     *   <li>GELU: torch's exact gelu: saves x.</li>
     *   <li>GELU_TANH: as torch's fused {@code gelu(approximate="tanh")} (HF "gelu_pytorch_tanh"), which keeps x
     *       only; run as DJL's exact gelu (same bytes; DJL 0.36 has no tanh approximation). HF's "gelu_new"
     *       (NewGELUActivation) is a Python composite that keeps tanh's output, {@code 0.5·x} and {@code 1 + tanh}
     *       as well (three b·s·i more; the estimator counts them for GELU_NEW). DJL runs GELU_NEW as the fused
     *       function and the run's request says gelu_pytorch_tanh ({@link DjlSupport#asRun}). Written as
     *       those Python ops in DJL it would keep one more still: DJL passes scalars as 0-dim tensors, so
     *       {@code x.pow(3)} is pow.Tensor_Tensor, whose autograd node also saves its result (measured: +6.00 MiB
     *       per gpt2 layer at seq 512).</li>
     *   <li>RELU: saves its output.</li>
     * </ul>
     */
    private NDArray activation(NDArray x) {
        switch (arch.activation()) {
            case SILU: {
                NDArray sig = Activation.sigmoid(x);
                NDArray out = x.mul(sig);
                sig.close();
                return out;
            }
            case GELU:
                return Activation.gelu(x);
            case RELU:
                return Activation.relu(x);
            case GELU_TANH:
            case GELU_NEW:
                // as torch's fused gelu(approximate="tanh") (HF "gelu_pytorch_tanh"): keeps only x. DJL 0.36 has no
                // tanh approximation, so the values are those of the exact GELU; the bytes are the same. gelu_new
                // runs fused too (see DjlSupport.asRun: the estimate compared is then that of gelu_pytorch_tanh).
                return Activation.gelu(x);
            default:
                throw new BadInputException("model: activation " + arch.activation()
                        + " is not supported by the djl backend");
        }
    }

    /**
     * LM head and cross-entropy over the vocabulary, in fp32 (HF's ForCausalLMLoss upcasts the logits).
     * <ul>
     *   <li>LM head: saves the final hidden and the head weight; logits b·s·v.</li>
     *   <li>Half precision: {@code logits.float()} is a b·s·v·4 copy; the half logits are freed after it.</li>
     *   <li>log_softmax: saves its output (b·s·v·4); the logits are freed after it (nothing saved them).</li>
     *   <li>gather of the target log-probabilities (as nll_loss): saves the log-probabilities (already saved) and
     *       the int64 targets; its backward allocates a zero b·s·v gradient and scatters into it.</li>
     *   <li>mean and negation: scalars.</li>
     * </ul>
     * Closes {@code hidden}'s handle.
     */
    NDArray loss(NDArray hidden, NDArray labels) {
        NDArray logits = Linear.linear(hidden, w.lmHead()).singletonOrThrow();
        hidden.close();
        if (arch.traits().softcapping().onLogits()) {   // Gemma 2 final_logit_softcapping
            logits = softcap(logits, (float) arch.traits().softcapping().finalLogits());
        }
        if (dtype != DataType.FLOAT32) {
            NDArray up = logits.toType(DataType.FLOAT32, false);
            logits.close();
            logits = up;
        }
        NDArray logProbs = logits.logSoftmax(-1);
        logits.close();
        NDArray target = labels.reshape(batch, seq, 1);
        NDArray picked = logProbs.gather(target, -1);
        logProbs.close();
        target.close();
        NDArray mean = picked.mean();
        picked.close();
        NDArray loss = mean.neg();
        mean.close();
        return loss;
    }
}
