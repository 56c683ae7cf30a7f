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
import dev.gpumem.estimate.ops.BlockSpec.Autocast;
import dev.gpumem.estimate.ops.BlockSpec.BaseWeights;
import dev.gpumem.estimate.ops.BlockSpec.Execution;
import dev.gpumem.estimate.parallel.PipelineStage;
import dev.gpumem.estimate.parallel.Sharding;
import dev.gpumem.estimate.timeline.Dim;
import dev.gpumem.estimate.timeline.TensorKind;
import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Inventory;
import dev.gpumem.units.DType;
import java.util.Set;

/** What both step builders derive from the request once: dtypes, dimensions, the rank's share, shared tensors. */
final class StepSpec {
    final RunConfig cfg;
    final Architecture arch;
    final Sharding sharding;
    /** the counted pipeline stage: its chunks of blocks, whether it holds the embedding and the head */
    final PipelineStage stage;
    /** blocks on the counted stage */
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

    StepSpec(Inventory inv, RunConfig cfg, Calibration calibration) {
        this.cfg = cfg;
        this.arch = inv.architecture();
        this.sharding = Sharding.of(cfg.parallel(), arch);
        if (cfg.parallel().context() > 1) {
            // torch's ring attention (torch/distributed/tensor/experimental/_attention.py @f2127db) dispatches
            // the SDPA kernels only, and the estimator models it for training
            if (cfg.task() == RunConfig.Task.INFERENCE) {
                throw new BadInputException("parallel.context: context parallelism is modelled for training only; "
                        + "use 1 for task inference");
            }
            if (cfg.attention() != AttentionKernel.SDPA) {
                throw new BadInputException("parallel.context: ring attention runs SDPA kernels; needs attention "
                        + "sdpa, got " + cfg.attention().wire());
            }
        }
        this.stage = stage(cfg, arch.totalBlocks());
        this.layers = stage.layers();
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
    }

    /**
     * @return the stage {@code parallel.stage} names; worst is resolved by the estimator (which estimates every stage)
     *         before a step is built, and counts as the first stage here
     */
    static PipelineStage stage(RunConfig cfg, int totalLayers) {
        RunConfig.Parallel p = cfg.parallel();
        int index = Math.max(0, p.pipelineLayout().stage().resolve(p.pipeline()));
        return PipelineStage.of(p.pipelineLayout(), p.pipeline(), index, totalLayers, cfg.gradAccum(),
                cfg.framework().framework().pipelineLayerSplit());
    }

    BlockSpec blockSpec(boolean training) {
        boolean full = cfg.finetune().method() == FinetuneMethod.FULL;
        boolean qlora = cfg.finetune().method() == FinetuneMethod.QLORA;
        BaseWeights weights = !training ? BaseWeights.FROZEN : full ? BaseWeights.TRAINED
                : qlora ? BaseWeights.FROZEN_4BIT : BaseWeights.FROZEN;
        return new BlockSpec(arch, compute, residual, amp ? Autocast.ON : Autocast.OFF, cfg.attention(), weights,
                training ? loraRoles : Set.of(), Math.max(1, cfg.finetune().rank()), ModelState.adapterDtype(cfg),
                cfg.options().contains(RunOption.COMPILE) ? Execution.COMPILED : Execution.EAGER,
                cfg.framework().modelCode(), training ? cfg.framework().loraDropout() : 0.0);
    }

    Dims dims(long batch, long seq) {
        return Dims.of(arch, batch, seq, sharding.tensor(), cfg.parallel().sequence(), cfg.parallel().context())
                .withExperts(cfg.parallel().expert(), cfg.parallel().capacityFactor());
    }

    boolean option(RunOption o) {
        return cfg.options().contains(o);
    }

    TensorKind workspace() {
        return calibration.workspaceBytes() == 0 ? null : new TensorKind("cublas.workspace", Component.WORKSPACE,
                calibration.source() == Source.MEASURED_CALIBRATION ? Source.MEASURED_CALIBRATION : Source.CUBLAS_WORKSPACE,
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
