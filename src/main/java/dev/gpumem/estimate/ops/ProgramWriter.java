package dev.gpumem.estimate.ops;

import dev.gpumem.estimate.RunConfig.ModelCode;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.ops.BlockProgram.Instr;
import dev.gpumem.estimate.ops.BlockProgram.Op;
import dev.gpumem.estimate.timeline.Dim;
import dev.gpumem.estimate.timeline.TensorKind;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.units.DType;
import java.util.ArrayList;
import java.util.List;

/** Shared machinery of the program builders: slots, instructions, tensor kinds, and the norms. */
abstract class ProgramWriter {
    static final Source SAVED = Source.AUTOGRAD_SAVED;
    static final Source HF = Source.HF_MODELING;

    final BlockSpec spec;
    final Dims d;
    final Architecture arch;
    final DType c;
    final DType r;

    final List<TensorKind> kinds = new ArrayList<>();
    final List<Boolean> core = new ArrayList<>();
    /** slots torchtitan's per-op SAC saves (see {@link BlockProgram#sacSaved()}) */
    final List<Boolean> sac = new ArrayList<>();
    /** matmuls (aten.mm) written so far in this block, for per-op SAC's every-other-mm rule */
    private int mmCount;
    final List<Instr> fwd = new ArrayList<>();
    final List<Instr> bwd = new ArrayList<>();
    Part part = Part.ATTENTION;
    boolean coreMode;

    ProgramWriter(BlockSpec spec, Dims dims) {
        this.spec = spec;
        this.d = dims;
        this.arch = spec.arch();
        this.c = spec.compute();
        this.r = spec.residual();
    }

    /** @return {norm output slot, 1 if the norm keeps its input tensor itself else 0} */
    int[] norm(int x, DType xDtype, String name) {
        if (arch.norm() == NormKind.LAYER_NORM) {
            // native_layer_norm keeps input, mean, rstd; autocast runs layer_norm in fp32
            int mean = alloc(saved("norm.mean", DType.FP32, d.b(), d.st()));
            int rstd = alloc(saved("norm.rstd", DType.FP32, d.b(), d.st()));
            DType outType = spec.amp() ? DType.FP32 : xDtype;
            int y = alloc(act("norm.out", outType, d.b(), d.st(), d.h()));
            done(mean, true);
            done(rstd, true);
            return new int[] {y, 1};
        }
        if (spec.modelCode() == ModelCode.LITGPT && !spec.fused()) {
            return litGptRmsNorm(xDtype);
        }
        return rmsNorm(x, new RmsNormSite("norm", xDtype, xDtype, new Dim[] {d.b(), d.st(), d.h()},
                new Dim[] {d.b(), d.st()}, HF, NormInput.CALLERS));
    }

    /** What an RMSNorm does with its input tensor. */
    enum NormInput {
        /** the input stays the caller's; when it needs no fp32 copy the norm keeps it for backward (block norms) */
        CALLERS,
        /** the norm replaces its input (q/k norms on a projection): freed once copied to fp32, else kept by the norm */
        REPLACED
    }

    /**
     * Where an RMSNorm runs (see {@link ProgramWriter#rmsNorm}).
     *
     * @param name   the tensors' name prefix
     * @param input  the input's dtype (no fp32 copy when it is fp32)
     * @param output the dtype of {@code weight * x̂} (the input dtype, or fp32 for an fp32 weight under amp)
     * @param wide   the dims of the input and of the tensors of its size
     * @param row    the dims of rstd (one per normalised row)
     * @param source the source of the op's own (not saved) tensors
     * @param use    what happens to the input
     */
    record RmsNormSite(String name, DType input, DType output, Dim[] wide, Dim[] row, Source source, NormInput use) {
    }

    /**
     * HF's RMSNorm in its Python form (transformers models/llama/modeling_llama.py @0022728 LlamaRMSNorm.forward and
     * its copies): {@code x.to(float32)}, a saved fp32 copy unless x is fp32; {@code variance = x.pow(2).mean(-1)}, the
     * squares a transient fp32 tensor of x's size; the saved fp32 rstd; {@code x * rstd} in fp32, cast back to the
     * input dtype; {@code weight * x̂}. Autograd keeps the fp32 input, rstd and, for a trained weight, x̂ (the
     * weight's gradient needs it). Gemma's ({@code ONE_PLUS_W_FP32}): {@code x̂ * (1 + weight)} in fp32, then
     * {@code type_as(x)}, a copy unless x is fp32 (Gemma3RMSNorm.forward, transformers modeling_gemma3.py @f14d0cb),
     * so x̂ stays fp32. Under torch.compile (any model code) the norm is one fused kernel: the min-cut partitioner
     * keeps the input and rstd and recomputes x̂ in backward.
     *
     * @return {output slot, 1 if the norm keeps the caller's input tensor itself (only with {@code CALLERS}) else 0}
     */
    int[] rmsNorm(int x, RmsNormSite at) {
        String n = at.name();
        if (spec.fused()) {
            int rstd = alloc(saved(n + ".rstd", DType.FP32, at.row()));
            int y = alloc(kind(n + ".out", Component.ACTIVATIONS, at.source(), at.input(), at.wide()));
            done(rstd, true);
            if (at.use() == NormInput.REPLACED) {
                done(x, true);
                return new int[] {y, 0};
            }
            return new int[] {y, 1};
        }
        boolean copy = at.input() != DType.FP32;
        int xf = x;
        if (copy) {
            xf = alloc(saved(n + ".input_fp32", DType.FP32, at.wide()));
            if (at.use() == NormInput.REPLACED) {
                free(x);
            }
        }
        free(alloc(kind(n + ".squared_fp32", Component.ACTIVATIONS, at.source(), DType.FP32, at.wide())));
        int rstd = alloc(saved(n + ".rstd", DType.FP32, at.row()));
        int prod = alloc(kind(n + ".normalized_fp32", Component.ACTIVATIONS, at.source(), DType.FP32, at.wide()));
        int hs = prod;
        if (copy && !spec.gemmaNorms()) {
            hs = alloc(kind(n + ".normalized", Component.ACTIVATIONS, at.source(), at.input(), at.wide()));
            free(prod);
        }
        int y;
        if (spec.gemmaNorms() && copy) {
            int y32 = alloc(kind(n + ".out_fp32", Component.ACTIVATIONS, at.source(), DType.FP32, at.wide()));
            y = alloc(kind(n + ".out", Component.ACTIVATIONS, at.source(), at.input(), at.wide()));
            free(y32);
        } else {
            y = alloc(kind(n + ".out", Component.ACTIVATIONS, at.source(), at.output(), at.wide()));
        }
        boolean keptByNorm = copy || at.use() == NormInput.REPLACED;
        if (keptByNorm) {
            done(xf, true);
        }
        done(rstd, true);
        done(hs, spec.normSavesNormalized());
        return new int[] {y, keptByNorm ? 0 : 1};
    }

    /**
     * lit-gpt's RMSNorm (Lightning-AI/litgpt lit_gpt/rmsnorm.py @8641822: {@code norm_x = torch.mean(x * x, dim,
     * keepdim=True); x_normed = x * torch.rsqrt(norm_x + eps); return self.weight * x_normed}), all in x's dtype (no
     * fp32 upcast; autocast leaves mul, mean and rsqrt alone). Autograd keeps x itself (for {@code x * x} and
     * {@code x * rsqrt}), the rsqrt output (b·s), and {@code x_normed} only when the weight is trained (the weight's
     * gradient needs it); {@code x * x} and {@code x_normed} are otherwise transients.
     *
     * @return the output's slot and 1 (the input is kept)
     */
    private int[] litGptRmsNorm(DType xDtype) {
        free(alloc(kind("norm.squared", Component.ACTIVATIONS, Source.LITGPT_MODEL, xDtype, d.b(), d.st(), d.h())));
        int rstd = alloc(kind("norm.rsqrt", Component.ACTIVATIONS, Source.LITGPT_MODEL, xDtype, d.b(), d.st()));
        int normed = alloc(kind("norm.normalized", Component.ACTIVATIONS, Source.LITGPT_MODEL, xDtype,
                d.b(), d.st(), d.h()));
        int y = alloc(act("norm.out", xDtype, d.b(), d.st(), d.h()));
        done(rstd, true);
        done(normed, spec.normSavesNormalized());
        return new int[] {y, 1};
    }

    // ---------------------------------------------------------------- helpers

    int slot(TensorKind k) {
        kinds.add(k);
        core.add(coreMode);
        sac.add(false);
        return kinds.size() - 1;
    }

    int alloc(TensorKind k) {
        int s = slot(k);
        fwd.add(new Instr(Op.ALLOC, s, part));
        return s;
    }

    int balloc(TensorKind k, Part p) {
        int s = slot(k);
        bwd.add(new Instr(Op.ALLOC, s, p));
        return s;
    }

    /**
     * Marks slot {@code s} as the output of the block's next matmul (aten.mm): per-op SAC saves the 1st, 3rd, 5th, ...
     * and recomputes the others (pytorch/torchtitan torchtitan/distributed/activation_checkpoint.py @114151a
     * _apply_op_sac: "Save all compute/comm ops, except every second mm/linear").
     *
     * @return {@code s}
     */
    int mm(int s) {
        mmCount++;
        if (mmCount % 2 == 1) {
            sac.set(s, true);
        }
        return s;
    }

    /**
     * Marks slot {@code s} as the output of an op in per-op SAC's save list other than mm (SDPA / flash outputs,
     * bmm; torchtitan activation_checkpoint.py @114151a _get_save_ops: compute_intensive_ops and the SDPA variants).
     *
     * @return {@code s}
     */
    int opSaved(int s) {
        sac.set(s, true);
        return s;
    }

    void free(int s) {
        fwd.add(new Instr(Op.FREE, s, part));
    }

    /** After the last forward consumer: kept for backward when {@code saved}, else freed. */
    void done(int s, boolean saved) {
        fwd.add(new Instr(saved ? Op.LAST_USE : Op.FREE, s, part));
    }

    void mark(Op op) {
        fwd.add(new Instr(op, -1, part));
    }

    TensorKind act(String name, DType t, Dim... dims) {
        return TensorKind.of(name, Component.ACTIVATIONS, HF, t, dims);
    }

    TensorKind saved(String name, DType t, Dim... dims) {
        return TensorKind.of(name, Component.ACTIVATIONS, SAVED, t, dims);
    }

    TensorKind grad(String name, DType t, Dim... dims) {
        return TensorKind.of(name, Component.TEMPORARY, SAVED, t, dims);
    }

    static TensorKind kind(String name, Component comp, Source src, DType t, Dim... dims) {
        return TensorKind.of(name, comp, src, t, dims);
    }

    static Dim mul(Dim x, Dim y) {
        return new Dim(x.symbol() + "·" + y.symbol(), x.value() * y.value());
    }

    static Dim[] concat(Dim[] a, Dim b) {
        Dim[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = b;
        return out;
    }
}
