package dev.gpumem.estimate.ops;

import static dev.gpumem.estimate.ops.BlockProgram.GRAD;
import static dev.gpumem.estimate.ops.BlockProgram.INPUT;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.ModelCode;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.ops.BlockProgram.Instr;
import dev.gpumem.estimate.ops.BlockProgram.Op;
import dev.gpumem.estimate.timeline.Dim;
import dev.gpumem.estimate.timeline.TensorKind;
import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Traits.QkNorm;
import dev.gpumem.units.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Op-level accounting of one transformer block: the forward ops in Hugging Face order and the tensors each keeps
 * for backward, as PyTorch autograd saves them (tools/autograd/derivatives.yaml), then the backward's gradient
 * buffers. One {@link BlockProgram} per request, replayed for every layer.
 *
 * <p>What each op keeps (all per layer; c = compute dtype, r = residual dtype):
 * <ul>
 *   <li>RMSNorm, HF Python implementation ({@code x.to(float32); x * rsqrt(x.pow(2).mean(-1) + eps);
 *       weight * x.to(dtype)}): the fp32 input (a copy unless the input is already fp32), the fp32 rstd (b·s), and the
 *       normalised input in the input dtype (for the weight's gradient); the squares {@code x.pow(2)} are a b·s·h
 *       fp32 transient until the mean.</li>
 *   <li>LayerNorm ({@code native_layer_norm}): its input, fp32 mean and rstd (b·s each); under amp it runs in fp32.</li>
 *   <li>linear: its input (only when the weight is trained; PEFT-frozen weights do not make autograd keep it).
 *       Under amp each linear casts its fp32 input to c itself, so q, k and v keep three copies.</li>
 *   <li>RoPE ({@code q*cos + rotate_half(q)*sin}): cos/sin do not require grad, so each mul keeps only cos or sin
 *       (shared, counted once per step); q and rotate_half(q) are transients.</li>
 *   <li>SDPA/flash: q (after RoPE), k, v at kv heads (torch ≥ 2.5 {@code enable_gqa}, used by transformers ≥ 4.48
 *       when no padding mask is given), the output (b·s·a·d, which is also o_proj's input: flash returns it in
 *       b·s·a·d layout, so HF's {@code transpose(1, 2).contiguous()} copies nothing) and an fp32 logsumexp b·a·s.</li>
 *   <li>eager: repeat_kv copies k and v to a heads (b·a·s·d each, when kv &lt; a); q·kᵀ scores b·a·s·s (transient),
 *       softmax computed in fp32 (output b·a·s·s·4 kept), cast back to c (kept by the probs·v matmul), dropout mask
 *       (1 B per element) and output when attention dropout &gt; 0, the context made contiguous for o_proj.</li>
 *   <li>gated MLP: gate output (kept by SiLU/GELU), activation output and up output (kept by the mul), their
 *       product (kept by down_proj). Plain MLP: fc1 output (kept by GELU; ReLU keeps its output instead), activation
 *       output (kept by fc2).</li>
 *   <li>MoE (Mixtral/Qwen-MoE style): router logits, fp32 routing softmax b·s·E (kept), top-k indices and weights,
 *       the gathered token rows b·s·k·h, each routed row through a gated expert MLP (b·s·k rows of the gated-MLP
 *       tensors with ie), expert outputs (kept by the routing-weight mul); a shared expert as a dense gated MLP.
 *       HF loops over experts with one tensor per expert; they are counted as one tensor of all b·s·k rows.</li>
 *   <li>dropout with p &gt; 0: a bool mask (1 B per element); p = 0 is the identity in ATen and keeps nothing.</li>
 *   <li>residual adds keep nothing.</li>
 *   <li>DeepSeek's multi-head latent attention: see {@code latentAttention} (the q/kv latents and their norms, the
 *       concatenated query and key, the kv_b_proj output the values are a view of, the output at v_head_dim).</li>
 *   <li>LoRA on a target linear: the input cast to the adapter dtype (kept by A), A's output b·s·r (kept by B),
 *       B's output b·s·out and its scaled copy as transients.</li>
 * </ul>
 * Post-norm blocks (BERT) are counted as pre-norm blocks: the same tensors exist, the norm input is the residual sum.
 */
public final class DecoderBlockOps extends ProgramWriter {
    /** some consumer of the current norm output keeps that tensor itself (parallel blocks release it late) */
    private boolean normOutSaved;
    /** lit-gpt: the dropped input shared by the LoRA adapters of q, k and v, once made (-1 before) */
    private int qkvDropped = -1;
    /** sequence parallelism: the all-gathered norm output the linears read, and its shard (-1 when none) */
    private int gathered = -1;
    private int shard = -1;
    /** the block's MLP: the experts (an MoE block) or one dense MLP */
    private final BlockMlp mlpKind;

    /** DENSE: one MLP of i; EXPERTS: the router and the experts of an MoE block. */
    public enum BlockMlp { DENSE, EXPERTS }

    private DecoderBlockOps(BlockSpec spec, Dims dims, BlockMlp mlpKind) {
        super(spec, dims);
        this.mlpKind = mlpKind;
    }

    /** @return the program of one block for this request (an MoE model's MoE block) */
    public static BlockProgram program(BlockSpec spec, Dims dims) {
        return program(spec, dims, spec.arch().moe().enabled() ? BlockMlp.EXPERTS : BlockMlp.DENSE);
    }

    /**
     * @return the program of one block with the given MLP: an MoE model's dense blocks (DeepSeek's first
     *         {@code first_k_dense_replace}, Llama 4 outside {@code moe_layers}) run a dense MLP of i
     */
    public static BlockProgram program(BlockSpec spec, Dims dims, BlockMlp mlp) {
        return new DecoderBlockOps(spec, dims, mlp).build();
    }

    private BlockProgram build() {
        slot(act("hidden.block_input", r, d.b(), d.st(), d.h()));         // INPUT
        slot(grad("grad.hidden", r, d.b(), d.st(), d.h()));               // GRAD (allocated by the caller)
        int out = arch.parallelBlock() ? parallelForward() : sequentialForward();
        backward(Part.MLP);
        backward(Part.ATTENTION);
        return new BlockProgram(kinds, core, out, fwd, bwd, sac);
    }

    // ---------------------------------------------------------------- forward

    private int sequentialForward() {
        part = Part.ATTENTION;
        int[] n1 = norm(INPUT, r, "attn_norm");
        boolean xSaved = n1[1] == 1;
        int attnOut = postNorm(attentionKeepInput(n1[0], r));
        int h1 = alloc(act("hidden.residual", r, d.b(), d.st(), d.h()));   // x + attn(x): add keeps nothing
        free(attnOut);
        done(INPUT, xSaved);
        part = Part.MLP;
        int[] n2 = norm(h1, r, "mlp_norm");
        int mlpOut = postNorm(mlpKind == BlockMlp.EXPERTS ? moe(n2[0], r) : mlp(n2[0], r));
        int out = alloc(act("hidden.block_output", r, d.b(), d.st(), d.h()));
        free(mlpOut);
        done(h1, n2[1] == 1);
        return out;
    }

    /**
     * Gemma 2/3 sandwich norms: the branch output {@code x} (in c) is normed before the residual add; the norm keeps
     * what a block norm keeps. Without sandwich norms, {@code x} itself.
     */
    private int postNorm(int x) {
        if (!spec.sandwichNorms()) {
            return x;
        }
        int[] n = norm(x, c, "post_norm");
        done(x, n[1] == 1);
        return n[0];
    }

    private int parallelForward() {
        part = Part.ATTENTION;
        int[] n1 = norm(INPUT, r, "attn_norm");
        int y = gather(n1[0], r);
        int attnOut = attentionKeepInput(y, r);
        part = Part.MLP;
        int mlpOut = mlpKind == BlockMlp.EXPERTS ? moe(y, r) : mlp(y, r);
        if (spec.amp() && r != c) {
            release(y, false);
        } else {
            release(y, spec.linearSavesInput() || normOutSaved);
        }
        part = Part.ATTENTION;
        int sum = alloc(act("hidden.residual", r, d.b(), d.st(), d.h()));
        free(attnOut);
        int out = alloc(act("hidden.block_output", r, d.b(), d.st(), d.h()));
        free(sum);
        free(mlpOut);
        done(INPUT, n1[1] == 1);
        return out;
    }

    /** Attention on the norm output {@code y}; frees {@code y} after its last use unless the block is parallel. */
    private int attentionKeepInput(int y, DType yDtype) {
        mark(Op.WEIGHT_COPIES);
        mark(Op.DEQUANT);
        if (!arch.parallelBlock()) {
            y = gather(y, yDtype);
        }
        if (arch.latentAttention().enabled()) {
            return latentAttention(y, yDtype);
        }
        boolean cast = spec.amp() && yDtype != c;
        normOutSaved = false;
        int qIn = linearInput(y, cast, "attn.q_in");
        int q = mm(alloc(act("attn.q", c, d.b(), d.s(), d.a(), d.d())));
        lora("q_proj", qIn, d.h(), mul(d.a(), d.d()));
        q = qkNorm(q, d.a(), "attn.q_norm");
        int kIn = cast ? linearInput(y, true, "attn.k_in") : qIn;
        if (cast) {
            doneLinearInput(qIn);
        }
        int k = mm(alloc(act("attn.k", c, d.b(), d.s(), d.kv(), d.d())));
        lora("k_proj", kIn, d.h(), mul(d.kv(), d.d()));
        k = qkNorm(k, d.kv(), "attn.k_norm");
        int vIn = cast ? linearInput(y, true, "attn.v_in") : kIn;
        if (cast) {
            doneLinearInput(kIn);
        }
        int v = mm(alloc(act("attn.v", c, d.b(), d.s(), d.kv(), d.d())));
        lora("v_proj", vIn, d.h(), mul(d.kv(), d.d()));
        if (cast) {
            doneLinearInput(vIn);
            if (!arch.parallelBlock()) {
                release(y, false);
            }
        } else if (!arch.parallelBlock()) {
            release(y, spec.linearSavesInput() || normOutSaved);
        }
        Dim kHeads = d.kv();
        if (spec.modelCode() == ModelCode.LITGPT && d.kv().value() < d.a().value()) {
            // lit-gpt with fewer kv heads (lit_gpt/model.py @8641822 CausalSelfAttention): k and v are expanded to
            // (B, groups, q_per_kv, T, hs) and reshaped to a heads, which copies them; RoPE and SDPA then work on
            // a heads, and SDPA keeps the copies (the fused qkv output dies with the reshapes)
            k = repeatKv(k, "attn.k_repeated");
            v = repeatKv(v, "attn.v_repeated");
            kHeads = d.a();
        }
        int qe = rope(q, d.a(), "attn.q_rope", qkNormOut());
        int ke = rope(k, kHeads, "attn.k_rope", qkNormOut());
        int ctx = spec.kernel() == AttentionKernel.SDPA ? sdpa(qe, ke, v, d.kv()) : eager(qe, ke, v);
        int o = mm(alloc(act("attn.o_proj_out", c, d.b(), d.s(), d.h())));
        boolean ctxSaved = lora("o_proj", ctx, mul(d.a(), d.d()), d.h());
        // the SDPA output is kept by SDPA itself as well as by o_proj
        done(ctx, spec.linearSavesInput() || ctxSaved || spec.kernel() == AttentionKernel.SDPA);
        return residualDropout(scatter(o, "attn.o_proj_out"), "attn");
    }

    /**
     * DeepSeek-V2/V3's multi-head latent attention as transformers runs it (modeling_deepseek_v3.py @00b676f
     * {@code DeepseekV3Attention.forward}), on the norm output {@code y}; qr = q_lora_rank, kr = kv_lora_rank,
     * dn/dr = qk_nope/qk_rope head dims, dv = v_head_dim, d = dn + dr:
     * <ul>
     *   <li>queries: {@code q_b_proj(q_a_layernorm(q_a_proj(y)))} (b·s·qr latent, its RMSNorm keeping what a block
     *       norm keeps, the norm output kept by q_b_proj) or one {@code q_proj}; the b·s·a·d output is viewed,
     *       split into q_pass/q_rot, RoPE makes a new b·a·s·dr q_rot, and {@code torch.cat} a new b·a·s·d query
     *       (cat keeps nothing; the projection output dies there).</li>
     *   <li>keys/values: {@code kv_a_proj_with_mqa(y)} (b·s·(kr + dr)) split into the latent (its RMSNorm:
     *       {@code .to(float32)} copies it unless it already is fp32, when the norm keeps the view and so the whole
     *       projection output) and the one shared RoPE key b·1·s·dr; {@code kv_b_proj} (input kept) makes
     *       b·s·a·(dn + dv), split into k_pass and the values: attention keeps the values, a view, so it keeps the
     *       whole kv_b_proj output; {@code torch.cat(k_pass, k_rot.expand(..))} makes a new b·a·s·d key.</li>
     *   <li>attention on d-wide queries and keys and dv-wide values (SDPA: memory-efficient kernel, as flash needs
     *       equal head dims; output b·s·a·dv and logsumexp), o_proj keeps its b·s·a·dv input.</li>
     * </ul>
     * Not counted: the transient copies of {@code apply_rotary_pos_emb_interleave}'s reshape (b·a·s·dr).
     */
    private int latentAttention(int y, DType yDtype) {
        var la = arch.latentAttention();
        Dim dn = new Dim("dn", la.qkNopeHeadDim());
        Dim dr = new Dim("dr", la.qkRopeHeadDim());
        Dim kr = new Dim("kr", la.kvLoraRank());
        Dim krr = new Dim("(kr+dr)", (long) la.kvLoraRank() + la.qkRopeHeadDim());
        Dim dnv = new Dim("(dn+dv)", (long) la.qkNopeHeadDim() + la.vHeadDim());
        Dim one = d.one();
        boolean cast = spec.amp() && yDtype != c;
        normOutSaved = false;
        // queries
        int qIn = linearInput(y, cast, "attn.q_in");
        int q;
        if (la.qLoraRank() > 0) {
            Dim qr = new Dim("qr", la.qLoraRank());
            int qa = mm(alloc(mla("attn.q_a_out", c, d.b(), d.s(), qr)));
            lora("q_a_proj", qIn, d.h(), qr);
            int[] qn = latentNorm(qa, qr, "attn.q_a_norm");
            done(qa, qn[1] == 1);
            int qbIn = latentLinearInput(qn[0], qr, "attn.q_b_in");
            q = mm(alloc(mla("attn.q", c, d.b(), d.s(), d.a(), d.d())));
            boolean kept = lora("q_b_proj", qbIn, qr, mul(d.a(), d.d()));
            done(qbIn, spec.linearSavesInput() || kept);
            if (qbIn != qn[0]) {
                free(qn[0]);
            }
        } else {
            q = mm(alloc(mla("attn.q", c, d.b(), d.s(), d.a(), d.d())));
            lora("q_proj", qIn, d.h(), mul(d.a(), d.d()));
        }
        int kvIn = cast ? linearInput(y, true, "attn.kv_a_in") : qIn;
        if (cast) {
            doneLinearInput(qIn);
        }
        // the compressed latent and the shared RoPE key
        int ckv = mm(alloc(mla("attn.kv_a_out", c, d.b(), d.s(), krr)));
        lora("kv_a_proj_with_mqa", kvIn, d.h(), krr);
        if (cast) {
            doneLinearInput(kvIn);
            release(y, false);
        } else {
            release(y, spec.linearSavesInput() || normOutSaved);
        }
        int[] kn = latentNorm(ckv, kr, "attn.kv_a_norm");
        int kbIn = latentLinearInput(kn[0], kr, "attn.kv_b_in");
        int kvb = mm(alloc(mla("attn.kv_b_out", c, d.b(), d.s(), d.a(), dnv)));
        boolean kbKept = lora("kv_b_proj", kbIn, kr, mul(d.a(), dnv));
        done(kbIn, spec.linearSavesInput() || kbKept);
        if (kbIn != kn[0]) {
            free(kn[0]);
        }
        int qRot = ropeOver(d.a(), dr, "attn.q_rot");
        int kRot = ropeOver(one, dr, "attn.k_rot");
        done(ckv, kn[1] == 1);
        int query = alloc(mla("attn.query", c, d.b(), d.a(), d.s(), d.d()));
        free(qRot);
        free(q);
        int key = alloc(mla("attn.key", c, d.b(), d.a(), d.s(), d.d()));
        free(kRot);
        // the values are a view of kv_b_proj's output: attention keeps that whole tensor
        int ctx = spec.kernel() == AttentionKernel.SDPA ? sdpa(query, key, kvb, d.a()) : eager(query, key, kvb);
        int o = mm(alloc(act("attn.o_proj_out", c, d.b(), d.s(), d.h())));
        boolean ctxSaved = lora("o_proj", ctx, mul(d.a(), d.dv()), d.h());
        done(ctx, spec.linearSavesInput() || ctxSaved || spec.kernel() == AttentionKernel.SDPA);
        return residualDropout(scatter(o, "attn.o_proj_out"), "attn");
    }

    private TensorKind mla(String name, DType t, Dim... dims) {
        return kind(name, Component.ACTIVATIONS, Source.HF_DEEPSEEK_MLA, t, dims);
    }

    /**
     * RoPE on a b·heads·s·dr slice ({@code q*cos + rotate_half(q)*sin}): the muls keep only cos/sin; the rotated
     * half and the two products are transients.
     *
     * @return the slot of the rotated slice
     */
    private int ropeOver(Dim heads, Dim width, String name) {
        int a = alloc(mla("attn.rope_tmp", c, d.b(), heads, d.s(), width));
        int rot = alloc(mla("attn.rope_tmp", c, d.b(), heads, d.s(), width));
        int b = alloc(mla("attn.rope_tmp", c, d.b(), heads, d.s(), width));
        free(rot);
        int out = alloc(mla(name, c, d.b(), heads, d.s(), width));
        free(a);
        free(b);
        return out;
    }

    /**
     * An RMSNorm over a latent of {@code width} (HF's Python form, as the block norms: the fp32 copy of the input
     * unless it already is fp32, the b·s rstd, the normalised input in the input dtype for a trained weight; under
     * torch.compile the input and rstd). Its output is {@code weight * x̂}: fp32 under amp (fp32 weight), else c.
     *
     * @return {output slot, 1 if the norm keeps its input tensor itself else 0}; the input stays live
     */
    private int[] latentNorm(int x, Dim width, String name) {
        return rmsNorm(x, new RmsNormSite(name, c, spec.amp() ? DType.FP32 : c, new Dim[] {d.b(), d.s(), width},
                new Dim[] {d.b(), d.s()}, Source.HF_DEEPSEEK_MLA, NormInput.CALLERS));
    }

    /** Under amp the fp32 output of a latent norm is cast to c by the next linear (a copy); else the output itself. */
    private int latentLinearInput(int normOut, Dim width, String name) {
        if (!spec.amp() || spec.fused()) {
            return normOut;
        }
        int cast = alloc(kind(name + "_cast", Component.ACTIVATIONS, Source.PYTORCH_AUTOCAST, c, d.b(), d.s(),
                width));
        return cast;
    }

    /** @return a copy of {@code x} (b·s·kv·d) at a heads, {@code x} freed */
    private int repeatKv(int x, String name) {
        int r = alloc(kind(name, Component.ACTIVATIONS, Source.LITGPT_MODEL, c, d.b(), d.s(), d.a(), d.d()));
        free(x);
        return r;
    }

    /**
     * SDPA: _scaled_dot_product_flash_attention keeps query, key, value, its b·s·a·dv output and an fp32 logsumexp
     * b·a·s. DeepSeek's latent attention (d-wide queries and keys, dv-wide values) runs torch's memory-efficient
     * kernel, flash needing equal head dims; it keeps the same, its values being a view of kv_b_proj's output.
     *
     * @param kvHeads the heads of the keys and values sent around a context-parallel ring
     */
    private int sdpa(int qe, int ke, int v, Dim kvHeads) {
        int out = opSaved(alloc(kind("attn.sdpa_out", Component.ACTIVATIONS, Source.FLASH_ATTENTION, c,
                d.b(), d.s(), d.a(), d.dv())));
        int lse = opSaved(alloc(kind("attn.logsumexp", Component.ACTIVATIONS, Source.FLASH_ATTENTION, DType.FP32,
                d.b(), d.a(), d.s())));
        ringForward(kvHeads);
        done(qe, true);
        done(ke, true);
        done(v, true);
        done(lse, true);
        return out;
    }

    /**
     * Context parallelism: torch's ring attention ({@code _templated_ring_attention}, _attention.py @f2127db) sends
     * {@code torch.cat([key.flatten(), value.flatten()])} to the next rank while the previous rank's chunk arrives
     * (both b·(s/cp)·kv·(d + dv)), and {@code _SDPAMerger} (convert_to_f32) merges each step's output and logsumexp
     * into fp32 accumulators, cast back to c at the end (the output and logsumexp kept are the cast ones above).
     * Without context parallelism, nothing.
     */
    private void ringForward(Dim kvHeads) {
        if (!d.ring()) {
            return;
        }
        Dim kvWidth = new Dim("(d+dv)", d.d().value() + d.dv().value());
        int sent = alloc(ring("cp.kv_sent", c, d.b(), d.s(), kvHeads, kvWidth));
        int received = alloc(ring("cp.kv_received", c, d.b(), d.s(), kvHeads, kvWidth));
        int out = alloc(ring("cp.out_accum_fp32", DType.FP32, d.b(), d.s(), d.a(), d.dv()));
        int lse = alloc(ring("cp.lse_accum_fp32", DType.FP32, d.b(), d.a(), d.s()));
        free(sent);
        free(received);
        free(out);
        free(lse);
    }

    private TensorKind dispatch(String name, Dim... dims) {
        return kind(name, Component.ACTIVATIONS, Source.MEGATRON_TOKEN_DISPATCHER, c, dims);
    }

    private static TensorKind ring(String name, DType t, Dim... dims) {
        return kind(name, Component.ACTIVATIONS, Source.RING_ATTENTION, t, dims);
    }

    /** Eager attention on q, k and v (values dv wide per head); returns the contiguous context. */
    private int eager(int qe, int ke, int v) {
        boolean repeat = d.kv().value() < d.a().value();
        int kr = ke;
        int vr = v;
        if (repeat) {   // HF repeat_kv: expand + reshape copies k and v to a heads
            kr = alloc(act("attn.k_repeated", c, d.b(), d.a(), d.keys(), d.d()));
            free(ke);
            vr = alloc(act("attn.v_repeated", c, d.b(), d.a(), d.keys(), d.d()));
            free(v);
        }
        coreMode = true;
        int scores = opSaved(alloc(act("attn.scores", c, d.b(), d.a(), d.s(), d.keys())));   // bmm
        int scaled = alloc(act("attn.scores_scaled", c, d.b(), d.a(), d.s(), d.keys()));
        free(scores);
        if (spec.traits().softcapping().onAttention()) {   // Gemma 2: scores = tanh(scores / cap) * cap; tanh keeps its output
            int divided = alloc(act("attn.scores_softcap_div", c, d.b(), d.a(), d.s(), d.keys()));
            free(scaled);
            int tanh = alloc(saved("attn.scores_softcap_tanh", c, d.b(), d.a(), d.s(), d.keys()));
            free(divided);
            scaled = alloc(act("attn.scores_softcapped", c, d.b(), d.a(), d.s(), d.keys()));
            done(tanh, true);
        }
        int masked = scaled;
        if (spec.causalMask()) {
            masked = alloc(act("attn.scores_masked", c, d.b(), d.a(), d.s(), d.keys()));
            free(scaled);
        }
        int s32 = masked;
        if (c != DType.FP32) {   // softmax(..., dtype=torch.float32) casts its input first
            s32 = alloc(act("attn.scores_fp32", DType.FP32, d.b(), d.a(), d.s(), d.keys()));
            free(masked);
        }
        int probs32 = alloc(saved("attn.softmax_out_fp32", DType.FP32, d.b(), d.a(), d.s(), d.keys()));
        free(s32);
        int probs = probs32;
        if (c != DType.FP32) {
            probs = alloc(act("attn.probs", c, d.b(), d.a(), d.s(), d.keys()));
        }
        int pv = probs;
        if (arch.attentionDropout() > 0) {
            int mask = alloc(saved("attn.dropout_mask", DType.BOOL, d.b(), d.a(), d.s(), d.keys()));
            pv = alloc(act("attn.probs_dropped", c, d.b(), d.a(), d.s(), d.keys()));
            done(mask, true);
            if (probs != probs32) {
                free(probs);
            }
        }
        if (pv != probs32) {
            done(probs32, true);      // softmax keeps its fp32 output; the matmul keeps the cast or dropped probs
        }
        coreMode = false;
        int ctx = opSaved(alloc(act("attn.context", c, d.b(), d.a(), d.s(), d.dv())));   // bmm
        done(qe, true);
        done(kr, true);
        done(pv, true);
        done(vr, true);
        int ctxT = alloc(act("attn.context_contiguous", c, d.b(), d.s(), d.a(), d.dv()));
        free(ctx);
        return ctxT;
    }

    /**
     * RoPE: q*cos + rotate_half(q)*sin in q's dtype {@code t}; cos/sin need no grad, so only they are kept (shared,
     * counted elsewhere). A q in fp32 under amp (promoted by an fp32 norm weight) is cast to c by the attention
     * kernel's autocast; that copy is what the kernel keeps.
     */
    private int rope(int q, Dim heads, String name, DType t) {
        if (arch.positions() != PositionKind.ROPE) {
            return castForAttention(q, heads, name, t);
        }
        int a = alloc(act("attn.rope_tmp", t, d.b(), d.s(), heads, d.d()));
        int rot = alloc(act("attn.rope_tmp", t, d.b(), d.s(), heads, d.d()));
        int b = alloc(act("attn.rope_tmp", t, d.b(), d.s(), heads, d.d()));
        free(rot);
        int out = alloc(act(name, t, d.b(), d.s(), heads, d.d()));
        free(a);
        free(b);
        // a view of a fused qkv projection shares its storage with the v that attention keeps
        done(q, spec.fusedQkv());
        return castForAttention(out, heads, name, t);
    }

    private int castForAttention(int x, Dim heads, String name, DType t) {
        if (t == c) {
            return x;
        }
        int cast = alloc(act(name + "_cast", c, d.b(), d.s(), heads, d.d()));
        free(x);
        return cast;
    }

    /**
     * @return the dtype of a q/k norm's output: fp32 under amp (the fp32 weight times the c-typed normalised input,
     *         or LayerNorm run in fp32), except Gemma's, which casts back with {@code type_as(x)}
     */
    private DType qkNormOut() {
        return spec.qkNorm() != QkNorm.NONE && spec.amp() && !spec.fused() && !spec.gemmaNorms() ? DType.FP32 : c;
    }

    /**
     * The q or k norm (Qwen3 / Gemma 3 / OLMo 2 RMSNorm in HF's Python form, Phi's LayerNorm) on the projection
     * {@code x} (in c), which it replaces. RMSNorm keeps, as the block norms do, the fp32 copy of its input, the fp32
     * rstd (per head, or per token over the full width) and, for a trained weight, the normalised input in c; its
     * output is {@code weight * normalised}. LayerNorm (native_layer_norm) keeps its input, mean and rstd. Under
     * torch.compile the RMSNorm keeps only its input and rstd.
     *
     * @return the norm output's slot
     */
    private int qkNorm(int x, Dim heads, String name) {
        QkNorm kind = spec.qkNorm();
        if (kind == QkNorm.NONE) {
            return x;
        }
        Dim[] perRow = kind == QkNorm.RMS_FULL_WIDTH ? new Dim[] {d.b(), d.s()} : new Dim[] {d.b(), d.s(), heads};
        if (kind == QkNorm.LAYER_PER_HEAD) {
            int mean = alloc(saved(name + ".mean", DType.FP32, perRow));
            int rstd = alloc(saved(name + ".rstd", DType.FP32, perRow));
            int y = alloc(act(name + ".out", qkNormOut(), d.b(), d.s(), heads, d.d()));   // amp: LayerNorm in fp32
            done(mean, true);
            done(rstd, true);
            done(x, true);
            return y;
        }
        return rmsNorm(x, new RmsNormSite(name, c, qkNormOut(), new Dim[] {d.b(), d.s(), heads, d.d()}, perRow,
                HF, NormInput.REPLACED))[0];
    }

    private int mlp(int y, DType yDtype) {
        mark(Op.WEIGHT_COPIES);
        mark(Op.DEQUANT);
        if (!arch.parallelBlock()) {
            y = gather(y, yDtype);
        }
        boolean cast = spec.amp() && yDtype != c;
        normOutSaved = arch.parallelBlock() && normOutSaved;
        Dim i = d.i();
        boolean relu = arch.activation() == Activation.RELU;
        int out;
        if (arch.mlp() == MlpKind.GATED) {
            int gIn = linearInput(y, cast, "mlp.gate_in");
            int g = mm(alloc(act("mlp.gate_out", c, d.b(), d.s(), i)));
            lora("gate_proj", gIn, d.h(), i);
            int uIn = cast ? linearInput(y, true, "mlp.up_in") : gIn;
            if (cast) {
                doneLinearInput(gIn);
            }
            // compiled: act(gate)·up is one kernel that keeps gate and up and recomputes the product for down_proj
            int a = spec.fused() ? g : activation(g, "mlp.act_out", d.b(), d.s(), i);
            int u = mm(alloc(act("mlp.up_out", c, d.b(), d.s(), i)));
            lora("up_proj", uIn, d.h(), i);
            if (cast) {
                doneLinearInput(uIn);
            }
            releaseNormOut(y, cast);
            int m = alloc(act("mlp.act_times_up", c, d.b(), d.s(), i));
            done(a, true);
            done(u, true);
            out = mm(alloc(act("mlp.down_out", c, d.b(), d.s(), d.h())));
            boolean mSaved = lora("down_proj", m, i, d.h());
            if (spec.fused()) {
                free(m);
            } else {
                done(m, spec.linearSavesInput() || mSaved);
            }
        } else {
            int fIn = linearInput(y, cast, "mlp.fc1_in");
            int f = mm(alloc(act("mlp.fc1_out", c, d.b(), d.s(), i)));
            lora("fc1", fIn, d.h(), i);
            if (cast) {
                doneLinearInput(fIn);
            }
            releaseNormOut(y, cast);
            int a = activation(f, "mlp.act_out", d.b(), d.s(), i);
            out = mm(alloc(act("mlp.fc2_out", c, d.b(), d.s(), d.h())));
            boolean aSaved = lora("fc2", a, i, d.h());
            done(a, spec.linearSavesInput() || relu || aSaved);
        }
        return residualDropout(scatter(out, "mlp.out"), "mlp");
    }

    /**
     * The MLP activation of {@code x} (then at its last forward use): SiLU and the GELUs keep x, ReLU keeps its
     * output. HF's gelu_new ({@code 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 *
     * torch.pow(x, 3.0))))}) runs as separate ops in eager mode, left to right: {@code 0.5·x}, then
     * {@code x³ → 0.044715·x³ → x + … → √(2/π)·… → tanh}, each intermediate freed by the next op, then
     * {@code 1 + tanh} and the product. Autograd keeps x (pow), tanh's output (tanh), {@code 0.5·x} and
     * {@code 1 + tanh} (the tensor-tensor mul keeps both factors); scalar muls and adds keep nothing
     * (derivatives.yaml). Under torch.compile the composite is one fused kernel and keeps x only.
     *
     * @return the activation output's slot
     */
    private int activation(int x, String outName, Dim... dims) {
        boolean relu = arch.activation() == Activation.RELU;
        if (arch.activation() != Activation.GELU_NEW || spec.fusedGelu()) {
            int out = alloc(act(outName, c, dims));
            done(x, !relu);
            return out;
        }
        String n = outName.substring(0, outName.lastIndexOf('.')) + ".gelu_new.";
        int half = alloc(geluNew(n + "half_x", dims));
        int cube = alloc(geluNew(n + "cube", dims));
        int scaled = alloc(geluNew(n + "scaled_cube", dims));
        free(cube);
        int inner = alloc(geluNew(n + "inner", dims));
        free(scaled);
        int arg = alloc(geluNew(n + "tanh_arg", dims));
        free(inner);
        int tanh = alloc(geluNew(n + "tanh_out", dims));
        free(arg);
        int onePlus = alloc(geluNew(n + "one_plus_tanh", dims));
        done(tanh, true);
        int out = alloc(act(outName, c, dims));
        done(half, true);
        done(onePlus, true);
        done(x, true);
        return out;
    }

    private TensorKind geluNew(String name, Dim... dims) {
        return kind(name, Component.ACTIVATIONS, Source.HF_GELU_NEW, c, dims);
    }

    private int moe(int y, DType yDtype) {
        mark(Op.WEIGHT_COPIES);
        mark(Op.DEQUANT);
        if (!arch.parallelBlock()) {
            y = gather(y, yDtype);
        }
        boolean cast = spec.amp() && yDtype != c;
        int rIn = linearInput(y, cast, "moe.router_in");
        int logits = alloc(act("moe.router_logits", c, d.b(), d.s(), d.experts()));
        if (cast) {
            doneLinearInput(rIn);
        }
        int probs = alloc(saved("moe.routing_softmax_fp32", DType.FP32, d.b(), d.s(), d.experts()));
        free(logits);
        int idx = alloc(saved("moe.topk_index", DType.INT64, d.b(), d.s(), d.topK()));
        int w = alloc(saved("moe.topk_weights", c, d.b(), d.s(), d.topK()));
        done(probs, true);
        int combined = alloc(act("moe.combined_out", c, d.b(), d.s(), d.h()));
        // routed rows: b·s·k tokens through the experts' gated MLPs
        // expert parallelism: the permuted rows are sent with an all-to-all and the rows of the local experts
        // received (Megatron token_dispatcher.py @bed33f8 MoEAlltoAllTokenDispatcher.token_permutation: permute,
        // then tensor_parallel.all_to_all); the received rows are what the experts read and keep
        int sent = d.expertParallel() ? alloc(dispatch("ep.dispatch_permuted_sent", d.rows(d.h()))) : -1;
        int rows = alloc(act("moe.expert_input", c, d.rows(d.h())));
        if (sent >= 0) {
            free(sent);
        }
        Dim ie = d.iExpert();
        int g = alloc(act("moe.expert_gate_out", c, d.rows(ie)));
        int a = activation(g, "moe.expert_act_out", d.rows(ie));
        int u = alloc(act("moe.expert_up_out", c, d.rows(ie)));
        done(rows, spec.linearSavesInput());
        int m = alloc(act("moe.expert_act_times_up", c, d.rows(ie)));
        done(a, true);
        done(u, true);
        int eo = alloc(act("moe.expert_out", c, d.rows(d.h())));
        done(m, spec.linearSavesInput());
        if (d.expertParallel()) {
            // token_unpermutation: the expert outputs go back with an all-to-all; the routing-weight product
            // (unpermute with probs) keeps the returned rows
            int back = alloc(dispatch("ep.combine_received", d.rows(d.h())));
            free(eo);
            eo = back;
        }
        int weighted = alloc(act("moe.expert_out_weighted", c, d.rows(d.h())));
        done(eo, true);
        done(w, true);
        done(idx, true);
        free(weighted);
        if (arch.moe().sharedExpertIntermediateSize() > 0) {
            Dim is = d.iShared();
            int sg = alloc(act("moe.shared_gate_out", c, d.b(), d.s(), is));
            int sa = alloc(act("moe.shared_act_out", c, d.b(), d.s(), is));
            done(sg, true);
            int su = alloc(act("moe.shared_up_out", c, d.b(), d.s(), is));
            int sm = alloc(act("moe.shared_act_times_up", c, d.b(), d.s(), is));
            done(sa, true);
            done(su, true);
            int so = alloc(act("moe.shared_out", c, d.b(), d.s(), d.h()));
            done(sm, spec.linearSavesInput());
            int gate = alloc(act("moe.shared_gate_sigmoid", c, d.b(), d.s(), d.one()));
            int shared = alloc(act("moe.shared_out_gated", c, d.b(), d.s(), d.h()));
            done(so, true);
            done(gate, true);
            int sum = alloc(act("moe.combined_with_shared", c, d.b(), d.s(), d.h()));
            free(shared);
            free(combined);
            combined = sum;
        }
        releaseNormOut(y, cast);
        return residualDropout(scatter(combined, "moe.out"), "moe");
    }

    private void releaseNormOut(int y, boolean cast) {
        if (arch.parallelBlock()) {
            return;
        }
        if (cast) {
            release(y, false);
        } else {
            release(y, spec.linearSavesInput() || normOutSaved);
        }
    }

    /**
     * Sequence parallelism: the all-gather of the norm output {@code y} (b·s/t·h) to the full sequence in front of
     * the column-parallel linears, which run on the gathered tensor. What backward keeps depends on whose
     * tensor-parallel linears run ({@link ModelCode#keepsSequenceShard}): Megatron-Core saves only the shard
     * (layers.py @000c4ac: {@code ctx.save_for_backward(input, weight)} with {@code input} the shard,
     * {@code total_input} the gathered buffer), so {@link #release} frees the gathered copy and keeps the shard, and
     * backward gathers it again; torch DTensor's plans (torchtitan) gather once in front of the module and the
     * linears save the gathered tensor, so the shard dies here. Without sequence parallelism, {@code y} itself.
     *
     * @return the slot the linears read
     */
    private int gather(int y, DType yDtype) {
        if (!d.sequenceSplit()) {
            return y;
        }
        boolean keepShard = spec.modelCode().keepsSequenceShard();
        gathered = alloc(kind("sp.gathered_input", Component.ACTIVATIONS,
                keepShard ? Source.SEQUENCE_PARALLEL : Source.SEQUENCE_PARALLEL_DTENSOR, yDtype, d.b(), d.s(), d.h()));
        if (keepShard) {
            shard = y;
        } else {
            free(y);
        }
        return gathered;
    }

    /** After the last forward use of the linears' input: kept for backward when {@code saved} (the shard, if any). */
    private void release(int y, boolean saved) {
        if (y == gathered && gathered >= 0 && shard >= 0) {
            free(gathered);
            done(shard, saved);
            gathered = -1;
            shard = -1;
            return;
        }
        if (y == gathered) {
            gathered = -1;
        }
        done(y, saved);
    }

    /**
     * Sequence parallelism: the row-parallel linear's (or the experts' combined) output {@code full} is a partial
     * sum over the t ranks, reduce-scattered to b·s/t·h; torchtitan's per-op SAC saves the reduce-scatter's output
     * (parallelize.py @018740b _op_sac_save_list: reduce_scatter_tensor), not the mm's. Without sequence
     * parallelism, {@code full} (all-reduced in place).
     */
    private int scatter(int full, String name) {
        if (!d.sequenceSplit()) {
            return full;
        }
        int out = alloc(kind(name + "_scattered", Component.ACTIVATIONS, Source.SEQUENCE_PARALLEL, c,
                d.b(), d.st(), d.h()));
        free(full);
        sac.set(full, false);
        opSaved(out);
        return out;
    }

    /** A backward temporary of sequence parallelism: b·s·h in c. */
    private TensorKind spGrad(String name) {
        return kind(name, Component.TEMPORARY, Source.SEQUENCE_PARALLEL, c, d.b(), d.s(), d.h());
    }

    /** Under amp a linear casts its fp32 input to c (autocast caches only leaf weights, not activations). */
    private int linearInput(int y, boolean cast, String name) {
        if (!cast) {
            return y;
        }
        return alloc(kind(name + "_cast", Component.ACTIVATIONS, Source.PYTORCH_AUTOCAST, c, d.b(), d.s(), d.h()));
    }

    private void doneLinearInput(int castSlot) {
        done(castSlot, spec.linearSavesInput());
    }

    private int residualDropout(int o, String where) {
        if (arch.hiddenDropout() <= 0) {
            return o;
        }
        int mask = alloc(saved(where + ".residual_dropout_mask", DType.BOOL, d.b(), d.st(), d.h()));
        int dropped = alloc(act(where + ".residual_dropout_out", c, d.b(), d.st(), d.h()));
        done(mask, true);
        free(o);
        return dropped;
    }

    /**
     * LoRA: {@code result + B(A(x.to(adapter))) * scaling}; A keeps its input, B keeps A's output. Under amp, A's
     * autocast makes a c copy of the input; without amp, the cast to the adapter dtype is a copy unless the dtypes
     * agree, in which case A keeps {@code input} itself.
     *
     * @return whether {@code input} itself is now kept for backward
     */
    private boolean lora(String module, int input, Dim in, Dim out) {
        if (!spec.lora(module)) {
            return false;
        }
        DType ad = spec.amp() ? c : spec.adapterDtype();
        Dim rank = new Dim("r", spec.loraRank());
        boolean copy = spec.amp() || ad != c;
        int x = copy ? alloc(kind("lora." + module + ".a_input", Component.ACTIVATIONS, Source.LORA_2021, ad,
                d.b(), d.s(), in)) : input;
        boolean dropout = spec.loraDropout() > 0;
        // lit-gpt's LoRAQKVLinear: one lora_dropout(x) feeds the single lora_A of the fused qkv projection
        boolean sharedQkv = dropout && spec.modelCode() == ModelCode.LITGPT
                && (module.equals("q_proj") || module.equals("k_proj") || module.equals("v_proj"));
        if (sharedQkv && qkvDropped >= 0) {
            if (copy) {
                free(x);
            }
            x = qkvDropped;
            dropout = false;
            copy = false;
        }
        if (dropout) {
            // lora_A(dropout(x)): native_dropout keeps a bool mask; lora_A keeps the dropped input, not x
            int mask = alloc(kind("lora." + module + ".dropout_mask", Component.ACTIVATIONS, Source.LORA_2021,
                    DType.BOOL, d.b(), d.s(), in));
            int dropped = alloc(kind("lora." + module + ".dropout_out", Component.ACTIVATIONS, Source.LORA_2021, ad,
                    d.b(), d.s(), in));
            done(mask, true);
            if (copy) {
                free(x);
            }
            x = dropped;
            copy = true;
            if (sharedQkv) {
                qkvDropped = dropped;
            }
        }
        boolean reused = x == qkvDropped && !copy;
        int a = mm(alloc(kind("lora." + module + ".a_out", Component.ACTIVATIONS, Source.LORA_2021, ad,
                d.b(), d.s(), rank)));
        int b = mm(alloc(kind("lora." + module + ".b_out", Component.ACTIVATIONS, Source.LORA_2021, ad,
                d.b(), d.s(), out)));
        int scaled = alloc(kind("lora." + module + ".b_out_scaled", Component.ACTIVATIONS, Source.LORA_2021, ad,
                d.b(), d.s(), out));
        free(b);
        free(scaled);
        if (litGptZeroPad(module)) {
            // lit-gpt's LoRAQKVLinear.zero_pad (lit_gpt/lora.py @8641822), used when not all of q, k, v are adapted:
            // result.index_copy(1, lora_ind, x.reshape(-1, sum(qkv_shapes))) copies B's output, and index_copy's
            // backward keeps that source (derivatives.yaml: grad.index_select(dim, index).expand_as(source));
            // torch 1.13 shows IndexCopyBackward0 _saved_source at b·s·(adapted widths)
            int source = alloc(kind("lora.qkv_zero_pad_source", Component.ACTIVATIONS, Source.LITGPT_MODEL, ad,
                    d.b(), d.s(), out));
            done(source, true);
        }
        if (copy) {
            done(x, true);
        }
        done(a, true);
        if (reused) {
            return false;                   // the shared dropped input is already kept
        }
        if (!copy) {
            normOutSaved = true;
        }
        return !copy;
    }

    /** @return lit-gpt's fused qkv LoRA pads this module's update with zeros (some of q, k, v not adapted) */
    private boolean litGptZeroPad(String module) {
        boolean qkv = module.equals("q_proj") || module.equals("k_proj") || module.equals("v_proj");
        return spec.modelCode() == ModelCode.LITGPT && qkv
                && !(spec.lora("q_proj") && spec.lora("k_proj") && spec.lora("v_proj"));
    }

    // ---------------------------------------------------------------- backward

    /**
     * Backward of one part: the incoming gradient (cast to c under amp), gradients of the widest intermediates
     * (three at once for a gated MLP, q/k/v gradients for attention, s·s gradients for eager attention), the part's
     * parameter gradients, then its saved tensors are released and the gradient for the residual stream is summed
     * in place into {@link BlockProgram#GRAD}.
     */
    private void backward(Part p) {
        List<Integer> tmp = new ArrayList<>();
        if (spec.amp()) {
            tmp.add(balloc(grad("grad.branch_cast", c, d.b(), d.st(), d.h()), p));
        }
        if (d.sequenceSplit()) {
            // the row-parallel linear all-gathers the output gradient; Megatron's column-parallel linears re-gather
            // their saved input shard for the weight gradients (layers.py @000c4ac backward), DTensor's saved the
            // gathered input itself
            tmp.add(balloc(spGrad("sp.gathered_grad_output"), p));
            if (spec.modelCode().keepsSequenceShard()) {
                tmp.add(balloc(spGrad("sp.regathered_input"), p));
            }
        }
        if (p == Part.MLP) {
            boolean experts = mlpKind == BlockMlp.EXPERTS;
            Dim i = experts ? d.iExpert() : d.i();
            Dim[] rows = experts ? d.rows() : new Dim[] {d.b(), d.s()};
            if (experts && d.expertParallel()) {
                // the gradients of the returned and of the dispatched rows cross the all-to-all too
                tmp.add(balloc(kind("ep.grad_rows_sent", Component.TEMPORARY, Source.MEGATRON_TOKEN_DISPATCHER, c,
                        d.rows(d.h())), p));
                tmp.add(balloc(kind("ep.grad_rows_received", Component.TEMPORARY,
                        Source.MEGATRON_TOKEN_DISPATCHER, c, d.rows(d.h())), p));
            }
            int n = arch.mlp() == MlpKind.GATED || experts ? 3 : 2;
            if (arch.activation() == Activation.GELU_NEW && !spec.fusedGelu()) {
                // gelu_new's Python ops run their own backward: x's gradient buffer, the gradient of
                // 0.044715·x³ and pow_backward's x² and 3·x² coexist, two b·s·i beyond a fused activation
                n += 2;
            }
            for (int k = 0; k < n; k++) {
                tmp.add(balloc(grad("grad.mlp_intermediate", c, concat(rows, i)), p));
            }
        } else {
            if (spec.kernel() == AttentionKernel.EAGER) {
                bwd.add(new Instr(Op.RECOMPUTE_CORE, -1, p));
                tmp.add(balloc(grad("grad.attn_probs", c, d.b(), d.a(), d.s(), d.s()), p));
                tmp.add(balloc(grad("grad.attn_scores_fp32", DType.FP32, d.b(), d.a(), d.s(), d.s()), p));
            } else {
                // FlashAttention-2 backward accumulates dq in fp32
                tmp.add(balloc(kind("grad.flash_dq_accum", Component.TEMPORARY, Source.FLASH_ATTENTION, DType.FP32,
                        d.b(), d.s(), d.a(), d.d()), p));
            }
            if (d.ring()) {
                // _templated_ring_attention_backward (_attention.py @f2127db): grad_query/key/value zeros_like in
                // fp32 (convert_to_f32), the k/v chunk arriving, and the fp32 dk/dv rotated back along the ring
                Dim two = new Dim("2", 2);
                tmp.add(balloc(kind("cp.grad_q_accum_fp32", Component.TEMPORARY, Source.RING_ATTENTION, DType.FP32,
                        d.b(), d.s(), d.a(), d.d()), p));
                tmp.add(balloc(kind("cp.grad_kv_accum_fp32", Component.TEMPORARY, Source.RING_ATTENTION,
                        DType.FP32, two, d.b(), d.s(), d.kv(), d.d()), p));
                tmp.add(balloc(kind("cp.kv_received", Component.TEMPORARY, Source.RING_ATTENTION, c,
                        two, d.b(), d.s(), d.kv(), d.d()), p));
                tmp.add(balloc(kind("cp.grad_kv_received_fp32", Component.TEMPORARY, Source.RING_ATTENTION,
                        DType.FP32, two, d.b(), d.s(), d.kv(), d.d()), p));
            }
            tmp.add(balloc(grad("grad.q", c, d.b(), d.s(), d.a(), d.d()), p));
            tmp.add(balloc(grad("grad.k", c, d.b(), d.s(), d.kv(), d.d()), p));
            tmp.add(balloc(grad("grad.v", c, d.b(), d.s(), d.kv(), d.dv()), p));
        }
        bwd.add(new Instr(Op.PARAM_GRADS, -1, p));
        bwd.add(new Instr(Op.FREE_SAVED, -1, p));
        int full = d.sequenceSplit() ? balloc(spGrad("sp.grad_input_before_reduce_scatter"), p) : -1;
        int gx = balloc(grad("grad.norm_input", r, d.b(), d.st(), d.h()), p);
        if (full >= 0) {
            bwd.add(new Instr(Op.FREE, full, p));
        }
        for (int t : tmp) {
            bwd.add(new Instr(Op.FREE, t, p));
        }
        bwd.add(new Instr(Op.FREE, gx, p));     // summed in place into the residual gradient
    }


}
