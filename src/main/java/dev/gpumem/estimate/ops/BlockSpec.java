package dev.gpumem.estimate.ops;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.ModelCode;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Traits;
import dev.gpumem.model.Traits.NormPlacement;
import dev.gpumem.model.Traits.NormWeight;
import dev.gpumem.model.Traits.QkNorm;
import dev.gpumem.units.DType;
import java.util.Objects;
import java.util.Set;

/**
 * What decides a block's tensors, beyond its dimensions.
 *
 * @param arch               dimensions, dropouts, MoE, and the {@link Traits} the block is built of (norm kind,
 *                           placement and weight, q/k norm, MLP kind, activation, fused projections, softcapping)
 * @param compute            dtype activations are computed in (c)
 * @param residual           dtype of the residual stream (r): fp32 under amp (embedding output and residual adds stay
 *                           fp32 because only matmuls autocast), else c
 * @param autocast           ON: autocast is on: fp32 tensors are cast to c at every linear, per call (only leaf weights
 *                           are cached)
 * @param kernel             eager or SDPA attention
 * @param weights            how the base weights train: a linear keeps its input for backward when its weight is
 *                           trained, and for bitsandbytes 4-bit linears (MatMul4Bit saves A); not for a frozen plain
 *                           linear (autograd saves an mm operand only when the other operand needs a gradient); a
 *                           norm keeps its normalised input only when its weight trains
 * @param loraTargets        module names carrying LoRA adapters (empty: none)
 * @param loraRank           r
 * @param adapterDtype       dtype of the adapters (finetune.adapter_dtype, else fp32: PEFT upcasts float16/bfloat16
 *                           adapters to fp32 by default)
 * @param execution          COMPILED, torch.compile: elementwise chains fuse into one kernel and the min-cut partitioner
 *                           recomputes their cheap intermediates in backward (RMSNorm keeps input and rstd; a gated
 *                           MLP keeps gate and up outputs)
 * @param modelCode          whose module code runs the block: lit-gpt's MLP calls the fused
 *                           {@code F.gelu(x, approximate="tanh")} where HF's gelu_new runs separate Python ops, and
 *                           its RMSNorm keeps x and rsqrt in x's dtype (no fp32 copy)
 * @param loraDropout        LoRA dropout on the adapter input: p &gt; 0 keeps the dropped input and a bool mask
 */
public record BlockSpec(Architecture arch, DType compute, DType residual, Autocast autocast, AttentionKernel kernel,
                        BaseWeights weights, Set<String> loraTargets, int loraRank, DType adapterDtype,
                        Execution execution, ModelCode modelCode, double loraDropout) {

    /** Whether torch.autocast runs the forward (amp precisions). */
    public enum Autocast { OFF, ON }

    /** EAGER: each op its own kernel; COMPILED: torch.compile fuses elementwise chains. */
    public enum Execution { EAGER, COMPILED }

    /** TRAINED: full fine-tuning; FROZEN_4BIT: QLoRA training (bitsandbytes linears save their input); FROZEN. */
    public enum BaseWeights { TRAINED, FROZEN_4BIT, FROZEN }

    public BlockSpec {
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(compute, "compute");
        Objects.requireNonNull(residual, "residual");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(autocast, "autocast");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(execution, "execution");
        loraTargets = Set.copyOf(loraTargets);
        Objects.requireNonNull(adapterDtype, "adapterDtype");
        Objects.requireNonNull(modelCode, "modelCode");
    }

    /** @return autocast is on: fp32 tensors are cast to c at every linear */
    boolean amp() {
        return autocast == Autocast.ON;
    }

    /** @return torch.compile fuses elementwise chains and recomputes their cheap intermediates */
    boolean fused() {
        return execution == Execution.COMPILED;
    }

    /** @return the traits of the model's blocks */
    Traits traits() {
        return arch.traits();
    }

    /** @return a linear keeps its input for backward (trained weight, or a bitsandbytes 4-bit linear) */
    boolean linearSavesInput() {
        return weights != BaseWeights.FROZEN;
    }

    /** @return the norm keeps its normalised input for the weight's gradient (trainable norm weights) */
    boolean normSavesNormalized() {
        return weights == BaseWeights.TRAINED;
    }

    /** @return eager attention adds a materialised b·1·s·s mask (HF builds one for eager kernels) */
    boolean causalMask() {
        return kernel == AttentionKernel.EAGER;
    }

    /** @return the norm on queries and keys before RoPE, if any */
    QkNorm qkNorm() {
        return arch.traits().qkNorm();
    }

    /** @return Gemma 2/3: four norms a block (attention and MLP outputs normed too) */
    boolean sandwichNorms() {
        return arch.traits().normPlacement() == NormPlacement.SANDWICH;
    }

    /** @return Gemma's RMSNorm: the normalised input is kept in fp32, not in the input dtype */
    boolean gemmaNorms() {
        return arch.traits().normWeight() == NormWeight.ONE_PLUS_W_FP32;
    }

    /**
     * @return q, k and v are views of one projection, so the v attention keeps keeps q's and k's storage alive: the
     *         model's own fused projection, or lit-gpt's, which builds one fused qkv Linear for every model
     *         (Lightning-AI/litgpt lit_gpt/model.py @8641822 CausalSelfAttention: qkv.view(B, T, groups,
     *         q_per_kv + 2, hs).permute(0, 2, 3, 1, 4).split); with as many kv heads as heads its q, k and v reshapes
     *         are views of that one output (with fewer kv heads the reshapes of the expanded k and v copy instead)
     */
    boolean fusedQkv() {
        return arch.traits().projections().fusedQkv()
                || (modelCode == ModelCode.LITGPT && arch.numKvHeads() == arch.numHeads());
    }

    /** @return the MLP's GELU is one fused op keeping only its input (torch.compile, or lit-gpt's F.gelu) */
    boolean fusedGelu() {
        return fused() || modelCode == ModelCode.LITGPT;
    }

    boolean lora(String module) {
        return loraTargets.contains(module);
    }
}
