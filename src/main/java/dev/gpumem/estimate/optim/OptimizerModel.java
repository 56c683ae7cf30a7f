package dev.gpumem.estimate.optim;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.OptimizerImpl;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.timeline.TensorKind;
import dev.gpumem.units.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Optimizer states and step temporaries per trainable tensor.
 *
 * <ul>
 *   <li>adam / adamw (torch.optim, foreach on CUDA by default): {@code exp_avg} and {@code exp_avg_sq}, each
 *       {@code zeros_like(param)} (so in the parameter's dtype; fp32 under amp), created in the first step. The step
 *       keeps {@code torch._foreach_sqrt(exp_avg_sqs)}, a full temporary list of one tensor per parameter of the
 *       dtype group ({@code _multi_tensor_adam}, torch 2.x). The {@code step} counters live on the CPU.</li>
 *   <li>sgd: no state, in-place {@code _foreach_add_}. sgd-momentum: one momentum buffer per parameter
 *       ({@code clone(grad)} at the first step), updated in place.</li>
 *   <li>adamw-8bit (bitsandbytes AdamW8bit, blockwise): two uint8 states plus an fp32 absmax per 256-element block
 *       for each of them; tensors under 4,096 elements ({@code min_8bit_size}) keep two fp32 states. The fused kernel
 *       makes no temporaries. (The brief's 2048-element blocks are bitsandbytes' pre-0.41 layout.)</li>
 *   <li>adafactor (transformers.optimization.Adafactor defaults: no first moment): for tensors of rank ≥ 2 an fp32
 *       row statistic (shape[:-1]) and column statistic (shape[:-2] + shape[-1:]); for 1-D tensors a full fp32
 *       {@code exp_avg_sq}. The per-parameter loop keeps an fp32 copy of the gradient (half precision only), the
 *       squared gradient and the rank-1 approximation at once: temporaries of one parameter at a time.</li>
 *   <li>lion (lion-pytorch): one {@code exp_avg} in the parameter dtype; the per-parameter update makes
 *       {@code exp_avg.clone()} and an out-of-place add: two parameter-sized temporaries, one parameter at a time.</li>
 *   <li>none: nothing.</li>
 * </ul>
 * With {@code fused=True} (option fused_optimizer; torchtune's LoRA/QLoRA configs set it) adam/adamw keep no
 * temporary: the fused kernel reads the gradient and updates the parameter and both states in place. Looping over
 * the parameters one at a time, adam/adamw keep the temporaries of one parameter only: torch.optim's
 * {@code foreach=False} ({@code _single_tensor_adam(w)}, torch/optim/adamw.py of torch 1.13 as installed here:
 * {@code denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)}, the root and the quotient exist at once)
 * and transformers' own AdamW (huggingface/transformers src/transformers/optimization.py, class AdamW, as in
 * v4.27.1, mirror xiaojunjun65/transformers-mlu_4.27.1 @206a0dd: {@code denom = exp_avg_sq.sqrt().add_(eps)},
 * one temporary).
 * The temporaries are modelling assumptions read from those implementations; the estimate notes say so.
 */
public final class OptimizerModel {
    /** bitsandbytes blockwise optimizer block size */
    static final long BNB_BLOCK = 256;
    /** bitsandbytes min_8bit_size: smaller tensors keep 32-bit states */
    static final long BNB_MIN_8BIT = 4096;

    private final Optimizer optimizer;
    private final boolean fused;
    private final OptimizerImpl impl;

    public OptimizerModel(Optimizer optimizer) {
        this(optimizer, false);
    }

    /** torch.optim's foreach implementation, or its fused one. */
    public OptimizerModel(Optimizer optimizer, boolean fused) {
        this(optimizer, fused, OptimizerImpl.FOREACH);
    }

    /**
     * @param fused torch.optim's {@code fused=True} (option fused_optimizer): {@code _fused_adamw_} / {@code
     *              _fused_adam_} / {@code _fused_sgd_} update params, grads and states in place inside one kernel
     *              per tensor group (torch/optim/adam.py {@code _fused_adam}), so Adam's step makes no
     *              {@code sqrt(exp_avg_sq)} temporary
     */
    public OptimizerModel(Optimizer optimizer, boolean fused, OptimizerImpl impl) {
        this.optimizer = optimizer;
        this.fused = fused || impl.inPlace();
        this.impl = impl;
    }

    /** @return whether torch.optim has a fused implementation of this optimizer (adam, adamw, sgd) */
    public static boolean hasFusedImplementation(Optimizer optimizer) {
        return switch (optimizer) {
            case ADAM, ADAMW, SGD, SGD_MOMENTUM -> true;
            default -> false;
        };
    }

    /** @return whether the step's temporaries exist for all parameters at once (foreach) rather than one at a time */
    public boolean temporariesForAllParameters() {
        return (optimizer == Optimizer.ADAM || optimizer == Optimizer.ADAMW) && !loop();
    }

    /** @return whether adam/adamw loop over the parameters one at a time */
    private boolean loop() {
        return !fused && (impl == OptimizerImpl.FOR_LOOP || impl == OptimizerImpl.HF_ADAMW);
    }

    /** @return states of one parameter, created at the first step; {@code dtype} is the state dtype */
    public List<TensorKind> states(ParamShape p, DType dtype) {
        List<TensorKind> out = new ArrayList<>();
        String n = p.symbol();
        switch (optimizer) {
            case ADAM, ADAMW -> {
                out.add(state("optim.adam.exp_avg", Source.ADAM_KINGMA_2014, dtype, n, p.numel()));
                out.add(state("optim.adam.exp_avg_sq", Source.ADAM_KINGMA_2014, dtype, n, p.numel()));
            }
            case SGD_MOMENTUM -> out.add(state("optim.sgd.momentum_buffer", Source.TORCH_OPTIM, dtype, n,
                    p.numel()));
            case LION -> out.add(state("optim.lion.exp_avg", Source.LION_2023, dtype, n, p.numel()));
            case ADAMW_8BIT -> {
                if (p.fullNumel() < BNB_MIN_8BIT) {
                    out.add(state("optim.adamw8bit.state1_fp32", Source.BNB_OPTIM_8BIT, DType.FP32, n, p.numel()));
                    out.add(state("optim.adamw8bit.state2_fp32", Source.BNB_OPTIM_8BIT, DType.FP32, n, p.numel()));
                } else {
                    long blocks = (p.numel() + BNB_BLOCK - 1) / BNB_BLOCK;
                    out.add(state("optim.adamw8bit.state1", Source.BNB_OPTIM_8BIT, DType.UINT8, n, p.numel()));
                    out.add(state("optim.adamw8bit.state2", Source.BNB_OPTIM_8BIT, DType.UINT8, n, p.numel()));
                    out.add(TensorKind.ofElements("optim.adamw8bit.absmax1." + n, Component.OPTIMIZER_STATES,
                            Source.BNB_OPTIM_8BIT, DType.FP32, "⌈" + n + "/256⌉", "⌈" + p.numel() + "/256⌉",
                            blocks));
                    out.add(TensorKind.ofElements("optim.adamw8bit.absmax2." + n, Component.OPTIMIZER_STATES,
                            Source.BNB_OPTIM_8BIT, DType.FP32, "⌈" + n + "/256⌉", "⌈" + p.numel() + "/256⌉",
                            blocks));
                }
            }
            case ADAFACTOR -> {
                List<Long> s = p.shape();
                if (s.size() >= 2) {
                    double share = p.numel() / (double) p.fullNumel();
                    long rows = Math.max(1, (long) Math.ceil(p.fullNumel() / s.get(s.size() - 1) * share));
                    long cols = Math.max(1, (long) Math.ceil(p.fullNumel() / s.get(s.size() - 2) * share));
                    out.add(TensorKind.ofElements("optim.adafactor.exp_avg_sq_row." + n, Component.OPTIMIZER_STATES,
                            Source.ADAFACTOR_2018, DType.FP32, "rows(" + n + ")", Long.toString(rows), rows));
                    out.add(TensorKind.ofElements("optim.adafactor.exp_avg_sq_col." + n, Component.OPTIMIZER_STATES,
                            Source.ADAFACTOR_2018, DType.FP32, "cols(" + n + ")", Long.toString(cols), cols));
                } else {
                    out.add(state("optim.adafactor.exp_avg_sq", Source.ADAFACTOR_2018, DType.FP32, n, p.numel()));
                }
            }
            case SGD, NONE -> {
            }
        }
        return out;
    }

    /** @return the step's temporaries for one parameter (see {@link #temporariesForAllParameters()}) */
    public List<TensorKind> temporaries(ParamShape p, DType stateDtype, DType gradDtype) {
        List<TensorKind> out = new ArrayList<>();
        String n = p.symbol();
        switch (optimizer) {
            case ADAM, ADAMW -> {
                if (impl == OptimizerImpl.HF_ADAMW && !fused) {
                    out.add(temp("optim.adam.denom", Source.HF_ADAMW, stateDtype, n, p.numel()));
                } else if (impl == OptimizerImpl.FOR_LOOP && !fused) {
                    out.add(temp("optim.adam.sqrt_exp_avg_sq", Source.TORCH_OPTIM, stateDtype, n, p.numel()));
                    out.add(temp("optim.adam.denom", Source.TORCH_OPTIM, stateDtype, n, p.numel()));
                } else if (!fused) {
                    out.add(temp("optim.adam.foreach_sqrt_exp_avg_sq", Source.TORCH_OPTIM, stateDtype, n,
                            p.numel()));
                }
            }
            case LION -> {
                out.add(temp("optim.lion.update_clone", Source.LION_2023, stateDtype, n, p.numel()));
                out.add(temp("optim.lion.update_add", Source.LION_2023, stateDtype, n, p.numel()));
            }
            case ADAFACTOR -> {
                if (gradDtype != DType.FP32) {
                    out.add(temp("optim.adafactor.grad_fp32", Source.ADAFACTOR_2018, DType.FP32, n, p.numel()));
                }
                out.add(temp("optim.adafactor.grad_squared", Source.ADAFACTOR_2018, DType.FP32, n, p.numel()));
                out.add(temp("optim.adafactor.update", Source.ADAFACTOR_2018, DType.FP32, n, p.numel()));
            }
            case SGD, SGD_MOMENTUM, ADAMW_8BIT, NONE -> {
            }
        }
        return out;
    }

    private static TensorKind state(String name, Source src, DType dtype, String symbol, long numel) {
        return TensorKind.ofElements(name + "." + symbol, Component.OPTIMIZER_STATES, src, dtype, "n(" + symbol + ")",
                Long.toString(numel), numel);
    }

    private static TensorKind temp(String name, Source src, DType dtype, String symbol, long numel) {
        return TensorKind.ofElements(name + "." + symbol, Component.TEMPORARY, src, dtype, "n(" + symbol + ")",
                Long.toString(numel), numel);
    }
}
