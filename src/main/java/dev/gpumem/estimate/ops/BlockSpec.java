package dev.gpumem.estimate.ops;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.ModelCode;
import dev.gpumem.model.Architecture;
import dev.gpumem.units.DType;
import java.util.Objects;
import java.util.Set;

/**
 * What decides a block's tensors, beyond its dimensions.
 *
 * @param arch               norm, MLP kind, activation, positions, dropouts, parallel block, MoE
 * @param compute            dtype activations are computed in (c)
 * @param residual           dtype of the residual stream (r): fp32 under amp (embedding output and residual adds stay
 *                           fp32 because only matmuls autocast), else c
 * @param amp                autocast is on: fp32 tensors are cast to c at every linear, per call (only leaf weights
 *                           are cached)
 * @param kernel             eager or SDPA attention
 * @param linearSavesInput   a linear keeps its input for backward: true when its weight is trained, and for
 *                           bitsandbytes 4-bit linears (MatMul4Bit saves A); false for a frozen plain linear (autograd
 *                           saves an mm operand only when the other operand needs a gradient)
 * @param normSavesNormalized the norm keeps its normalised input for the weight's gradient (trainable norm weights)
 * @param loraTargets        module names carrying LoRA adapters (empty: none)
 * @param loraRank           r
 * @param adapterDtype       dtype of the adapters (finetune.adapter_dtype, else fp32: PEFT upcasts float16/bfloat16
 *                           adapters to fp32 by default)
 * @param causalMask         eager attention adds a materialised b·1·s·s mask (HF builds one for eager kernels)
 * @param fused              torch.compile: elementwise chains fuse into one kernel and the min-cut partitioner
 *                           recomputes their cheap intermediates in backward (RMSNorm keeps input and rstd; a gated
 *                           MLP keeps gate and up outputs)
 * @param qkNorm             the norm on queries and keys before RoPE, if any
 * @param sandwichNorms      Gemma 2/3: the attention and MLP outputs are normed too before their residual adds
 *                           ({@code post_attention_layernorm}, {@code post_feedforward_layernorm}): four norms a block
 * @param gemmaNorms         Gemma's RMSNorm ({@code output * (1.0 + weight.float())} on the fp32 normalised input,
 *                           then {@code type_as(x)}): the normalised input is kept in fp32, not in the input dtype
 * @param softcapping        Gemma 2 ({@code attn_logit_softcapping} 50, {@code final_logit_softcapping} 30 by
 *                           default): {@code tanh(x / cap) * cap} on eager attention scores and on the logits, whose
 *                           tanh keeps its output
 * @param fusedQkv           one projection makes q, k and v (Phi-3 {@code qkv_proj}, GPT-NeoX / Falcon / Bloom
 *                           {@code query_key_value}): they are views of one tensor, so the v that attention keeps
 *                           keeps q's and k's pre-RoPE storage alive too
 * @param modelCode          whose module code runs the block: lit-gpt's MLP calls the fused
 *                           {@code F.gelu(x, approximate="tanh")} where HF's gelu_new runs separate Python ops, and
 *                           its RMSNorm keeps x and rsqrt in x's dtype (no fp32 copy)
 * @param loraDropout        LoRA dropout on the adapter input: p &gt; 0 keeps the dropped input and a bool mask
 */
public record BlockSpec(Architecture arch, DType compute, DType residual, boolean amp, AttentionKernel kernel,
                        boolean linearSavesInput, boolean normSavesNormalized, Set<String> loraTargets, int loraRank,
                        DType adapterDtype, boolean causalMask, boolean fused, QkNorm qkNorm,
                        boolean sandwichNorms, boolean gemmaNorms, boolean softcapping, boolean fusedQkv,
                        ModelCode modelCode, double loraDropout) {
    public BlockSpec {
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(compute, "compute");
        Objects.requireNonNull(residual, "residual");
        Objects.requireNonNull(kernel, "kernel");
        loraTargets = Set.copyOf(loraTargets);
        Objects.requireNonNull(adapterDtype, "adapterDtype");
        Objects.requireNonNull(qkNorm, "qkNorm");
        Objects.requireNonNull(modelCode, "modelCode");
    }

    /** @return the MLP's GELU is one fused op keeping only its input (torch.compile, or lit-gpt's F.gelu) */
    boolean fusedGelu() {
        return fused || modelCode == ModelCode.LITGPT;
    }

    boolean lora(String module) {
        return loraTargets.contains(module);
    }
}
