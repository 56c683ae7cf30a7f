package dev.gpumem.estimate.step;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.FinetuneMethod;
import dev.gpumem.estimate.RunConfig.RunOption;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.device.Calibration;
import dev.gpumem.estimate.ops.BlockSpec;
import dev.gpumem.estimate.ops.Dims;
import dev.gpumem.estimate.ops.QkNorm;
import dev.gpumem.estimate.parallel.Sharding;
import dev.gpumem.estimate.timeline.Dim;
import dev.gpumem.estimate.timeline.TensorKind;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.TensorSpec;
import dev.gpumem.units.DType;
import java.util.Set;

/** What both step builders derive from the request once: dtypes, dimensions, the rank's share, shared tensors. */
final class StepSpec {
    final RunConfig cfg;
    final Architecture arch;
    final Sharding sharding;
    final int layers;
    final DType compute;
    final DType residual;
    final boolean amp;
    /** precision_policy fsdp2_mixed */
    final boolean fsdp2;
    final Calibration calibration;
    /** module names carrying LoRA adapters, and their block-program roles */
    final Set<String> loraModules;
    final Set<String> loraRoles;
    /** the norm on queries and keys before RoPE (Qwen3, Gemma 3, OLMo 2, Phi qk_layernorm) */
    final QkNorm qkNorm;
    /** Gemma 2/3: norms on the attention and MLP outputs as well (read from the inventory's tensor names) */
    final boolean sandwichNorms;
    /** Gemma's RMSNorm keeps its normalised input in fp32 */
    final boolean gemmaNorms;
    /** q, k and v are views of one fused projection (read from the inventory's tensor names) */
    final boolean fusedQkv;

    StepSpec(Inventory inv, RunConfig cfg, Calibration calibration) {
        this.cfg = cfg;
        this.arch = inv.architecture();
        this.sharding = Sharding.of(cfg.parallel(), arch);
        this.layers = sharding.stageLayers(arch.totalBlocks());
        this.compute = cfg.precision().computeDtype();
        // FSDP2 mixed precision: the gathered parameters are already half precision, the forward runs without
        // autocast and its residual stream is half precision too (torchtitan: no autocast when FSDP is applied)
        this.fsdp2 = cfg.framework().precisionPolicy() == RunConfig.PrecisionPolicy.FSDP2_MIXED;
        this.amp = cfg.precision().isAmp() && !fsdp2;
        this.residual = amp ? DType.FP32 : compute;
        this.calibration = calibration;
        boolean lora = cfg.finetune().method() != FinetuneMethod.FULL;
        this.loraModules = lora ? LoraTargets.modules(inv, cfg.finetune().targets()) : Set.of();
        this.loraRoles = lora ? LoraTargets.roles(inv, loraModules) : Set.of();
        this.qkNorm = qkNorm(inv);
        this.sandwichNorms = inv.tensors().stream().anyMatch(t -> t.name().endsWith("pre_feedforward_layernorm.weight"));
        this.gemmaNorms = arch.modelType().startsWith("gemma");
        // lit-gpt builds one fused qkv Linear for every model (Lightning-AI/litgpt lit_gpt/model.py @8641822
        // CausalSelfAttention: qkv.view(B, T, groups, q_per_kv + 2, hs).permute(0, 2, 3, 1, 4).split); with as many
        // kv heads as heads its q, k and v reshapes are views of that one output, so the v that SDPA keeps keeps
        // the pre-RoPE q and k with it (with fewer kv heads the reshapes of the expanded k and v copy instead)
        boolean litGptViews = cfg.framework().modelCode() == RunConfig.ModelCode.LITGPT
                && arch.numKvHeads() == arch.numHeads();
        this.fusedQkv = litGptViews || inv.tensors().stream().anyMatch(t -> t.name().endsWith("qkv_proj.weight")
                || t.name().endsWith("query_key_value.weight"));
    }

    /** @return the query/key norm the inventory's first block carries (HF tensor names), or none */
    static QkNorm qkNorm(Inventory inv) {
        for (TensorSpec t : inv.tensors()) {
            String n = t.name();
            if (n.endsWith("self_attn.q_layernorm.weight")) {
                return QkNorm.LAYER_PER_HEAD;
            }
            if (n.endsWith("self_attn.q_norm.weight")) {
                return t.shape().get(0) == inv.architecture().headDim() ? QkNorm.RMS_PER_HEAD
                        : QkNorm.RMS_FULL_WIDTH;
            }
        }
        return QkNorm.NONE;
    }

    BlockSpec blockSpec(boolean training) {
        boolean full = cfg.finetune().method() == FinetuneMethod.FULL;
        boolean qlora = cfg.finetune().method() == FinetuneMethod.QLORA;
        return new BlockSpec(arch, compute, residual, amp, cfg.attention(), training && (full || qlora),
                training && full, training ? loraRoles : Set.of(),
                Math.max(1, cfg.finetune().rank()), ModelState.adapterDtype(cfg),
                cfg.attention() == AttentionKernel.EAGER, cfg.options().contains(RunOption.COMPILE), qkNorm,
                sandwichNorms, gemmaNorms, arch.modelType().equals("gemma2"), fusedQkv,
                cfg.framework().modelCode(), training ? cfg.framework().loraDropout() : 0.0);
    }

    Dims dims(long batch, long seq) {
        return Dims.of(arch, batch, seq, sharding.tensor());
    }

    boolean option(RunOption o) {
        return cfg.options().contains(o);
    }

    TensorKind workspace() {
        return calibration.workspaceBytes() == 0 ? null : new TensorKind("cublas.workspace", Component.WORKSPACE,
                calibration.source() == Source.DEVICE_DEFAULT ? Source.CUBLAS_WORKSPACE : calibration.source(),
                "cuBLAS workspace per handle and stream", Long.toString(calibration.workspaceBytes()),
                calibration.workspaceBytes());
    }

    TensorKind tokens(String name, Dims d) {
        return TensorKind.of(name, Component.ACTIVATIONS, Source.HF_MODELING, DType.INT64, d.b(), d.s());
    }

    TensorKind hidden(String name, Dims d) {
        return TensorKind.of(name, Component.ACTIVATIONS, Source.HF_MODELING, residual, d.b(), d.s(), d.h());
    }

    /** RoPE cos or sin, b·s·d, made once per forward in the residual dtype and kept by every block's mul. */
    TensorKind rope(String name, Dims d) {
        return arch.positions() == PositionKind.ROPE ? TensorKind.of(name, Component.ACTIVATIONS,
                Source.AUTOGRAD_SAVED, residual, d.b(), d.s(), d.d()) : null;
    }

    /** Eager attention: HF materialises a b·1·s·s additive causal mask in the residual dtype. */
    TensorKind causalMask(Dims d) {
        return cfg.attention() == AttentionKernel.EAGER ? TensorKind.of("attn.causal_mask", Component.ACTIVATIONS,
                Source.HF_MODELING, residual, d.b(), d.one(), d.s(), d.keys()) : null;
    }

    static Dim dim(String s, long v) {
        return new Dim(s, v);
    }
}
