package dev.gpumem.measure.djl;

import ai.djl.ndarray.NDArray;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.input.BadInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An optimizer whose states are DJL NDArrays, created on the first step with {@code zerosLike} on each parameter's
 * device and dtype (what DJL's {@code Adam} keeps: a mean and a variance per parameter), and whose update has the
 * memory behaviour of PyTorch's default (foreach) implementation in torch/optim/adam.py and sgd.py.
 *
 * <p>Why not DJL's {@code Adam.update}: its JNI kernel (ai_djl_pytorch_jni_PyTorchLibrary_optim.cc,
 * {@code adamUpdate}) clones the gradient and then evaluates
 * {@code weight.sub_(mean.mul(lr).div(variance.sqrt().add(eps)))} as one C++ full-expression, so the clone and four
 * parameter-sized temporaries are alive at once: 5·N bytes for an N-byte parameter (for llama-3.2-1b's embedding,
 * 5 GiB). DJL's {@code Sgd} clones the gradient too (N). PyTorch's foreach Adam instead holds one temporary list
 * (the square roots of all second moments, P bytes for P bytes of parameters) and SGD none. The runner keeps DJL's
 * states and reproduces PyTorch's lifetimes with in-place NDArray ops, so the profile is a PyTorch profile.
 *
 * <p>The gradients are used as scratch space (they are released by {@code zero_grad(set_to_none=True)} right after
 * the step, so nothing reads them again): that is how {@code lerp_}, {@code addcmul_} and {@code addcdiv_}, which
 * DJL lacks, run without temporaries.
 */
abstract class TorchOptimizer {

    /** Performs one step over the named parameters and their gradients (same order, same length). */
    abstract void step(List<String> names, List<NDArray> params, List<NDArray> grads);

    /** @return bytes of the optimizer states now held */
    abstract long stateBytes();

    /** Frees the states. */
    abstract void close();

    /** @return the optimizer for {@code kind}; adam and adamw as torch.optim.Adam/AdamW with their default decay */
    static TorchOptimizer of(Optimizer kind) {
        return switch (kind) {
            case ADAM -> new ForeachAdam(1e-4f, 0f, false);
            case ADAMW -> new ForeachAdam(1e-4f, 0.01f, true);
            case SGD -> new ForeachSgd(1e-4f, 0f);
            case SGD_MOMENTUM -> new ForeachSgd(1e-4f, 0.9f);
            case NONE -> new NoOptimizer();
            default -> throw new BadInputException("optimizer: " + kind.wire()
                    + " is not supported by the djl backend; accepted: adam, adamw, sgd, sgd-momentum, none");
        };
    }

    static long bytes(NDArray a) {
        return a.size() * a.getDataType().getNumOfBytes();
    }

    /**
     * torch.optim.Adam/AdamW, {@code _multi_tensor_adam} (foreach, the default on CUDA), amsgrad off:
     * <pre>
     * first step: exp_avg, exp_avg_sq = zeros_like(p) for every p           (states: 2·P)
     * AdamW:      _foreach_mul_(params, 1 - lr·wd)                          (in place)
     * Adam, wd≠0: grads = _foreach_add(grads, params, alpha=wd)             (P; wd = 0 here, the torch default)
     * _foreach_lerp_(exp_avgs, grads, 1 - β1)                              (in place)
     * _foreach_mul_(exp_avg_sqs, β2); _foreach_addcmul_(exp_avg_sqs, grads, grads, 1 - β2)  (in place)
     * denom = _foreach_sqrt(exp_avg_sqs)                                    (temporary list: P)
     * _foreach_div_(denom, bias_correction2_sqrt); _foreach_add_(denom, eps) (in place)
     * _foreach_addcdiv_(params, exp_avgs, denom, -step_size)                (in place; then denom is freed)
     * </pre>
     */
    static final class ForeachAdam extends TorchOptimizer {
        private final float lr;
        private final float weightDecay;
        private final boolean decoupled;
        private final float beta1 = 0.9f;
        private final float beta2 = 0.999f;
        private final float eps = 1e-8f;
        private final Map<String, NDArray> means = new HashMap<>();
        private final Map<String, NDArray> variances = new HashMap<>();
        private int steps;

        ForeachAdam(float lr, float weightDecay, boolean decoupled) {
            this.lr = lr;
            this.weightDecay = weightDecay;
            this.decoupled = decoupled;
        }

        @Override
        void step(List<String> names, List<NDArray> params, List<NDArray> grads) {
            int n = params.size();
            for (int i = 0; i < n; i++) {
                NDArray p = params.get(i);
                if (means.get(names.get(i)) == null) {
                    NDArray m = p.zerosLike();
                    means.put(names.get(i), m);
                    NDArray v = p.zerosLike();
                    variances.put(names.get(i), v);
                }
            }
            steps++;
            float bc1 = 1f - (float) Math.pow(beta1, steps);
            float bc2Sqrt = (float) Math.sqrt(1.0 - Math.pow(beta2, steps));
            float stepSize = lr / bc1;
            if (decoupled && weightDecay != 0f) {
                for (NDArray p : params) {
                    p.muli(1f - lr * weightDecay);
                }
            }
            for (int i = 0; i < n; i++) {
                NDArray g = grads.get(i);
                NDArray m = means.get(names.get(i));
                // lerp_(m, g, 1-β1) = β1·m + (1-β1)·g, in place on m (g scaled and restored)
                m.muli(beta1);
                g.muli(1f - beta1);
                m.addi(g);
                g.divi(1f - beta1);
            }
            for (int i = 0; i < n; i++) {
                NDArray g = grads.get(i);
                NDArray v = variances.get(names.get(i));
                // mul_(β2) then addcmul_(g, g, 1-β2), in place on v (g becomes (1-β2)·g², it is not read again)
                v.muli(beta2);
                g.muli(g);
                g.muli(1f - beta2);
                v.addi(g);
            }
            List<NDArray> denoms = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                denoms.add(variances.get(names.get(i)).sqrt());
            }
            for (NDArray d : denoms) {
                d.divi(bc2Sqrt);
                d.addi(eps);
            }
            for (int i = 0; i < n; i++) {
                // addcdiv_(p, m, denom, -step_size): denom := -step·m/denom in place, then p += denom
                NDArray d = denoms.get(i);
                d.powi(-1);
                d.muli(means.get(names.get(i)));
                d.muli(-stepSize);
                params.get(i).addi(d);
            }
            for (NDArray d : denoms) {
                d.close();
            }
        }

        @Override
        long stateBytes() {
            long b = 0;
            for (NDArray a : means.values()) {
                b += bytes(a);
            }
            for (NDArray a : variances.values()) {
                b += bytes(a);
            }
            return b;
        }

        @Override
        void close() {
            means.values().forEach(NDArray::close);
            variances.values().forEach(NDArray::close);
            means.clear();
            variances.clear();
        }
    }

    /**
     * torch.optim.SGD, {@code _multi_tensor_sgd} (foreach), no dampening, no Nesterov:
     * <pre>
     * momentum 0:  _foreach_add_(params, grads, alpha=-lr)                          (in place, no state)
     * momentum μ:  first step buf = clone(grad) (state: P); later _foreach_mul_(bufs, μ), _foreach_add_(bufs, grads)
     *              then _foreach_add_(params, bufs, alpha=-lr)                      (in place)
     * </pre>
     */
    static final class ForeachSgd extends TorchOptimizer {
        private final float lr;
        private final float momentum;
        private final Map<String, NDArray> buffers = new HashMap<>();

        ForeachSgd(float lr, float momentum) {
            this.lr = lr;
            this.momentum = momentum;
        }

        @Override
        void step(List<String> names, List<NDArray> params, List<NDArray> grads) {
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i);
                NDArray g = grads.get(i);
                if (momentum == 0f) {
                    g.muli(-lr);
                    p.addi(g);
                    continue;
                }
                NDArray buf = buffers.get(names.get(i));
                if (buf == null) {
                    buf = g.duplicate();
                    buffers.put(names.get(i), buf);
                } else {
                    buf.muli(momentum);
                    buf.addi(g);
                }
                buf.muli(-lr);
                p.addi(buf);
                buf.divi(-lr);
            }
        }

        @Override
        long stateBytes() {
            long b = 0;
            for (NDArray a : buffers.values()) {
                b += bytes(a);
            }
            return b;
        }

        @Override
        void close() {
            buffers.values().forEach(NDArray::close);
            buffers.clear();
        }
    }

    /** optimizer "none": gradients are computed and released, parameters do not move. */
    static final class NoOptimizer extends TorchOptimizer {
        @Override
        void step(List<String> names, List<NDArray> params, List<NDArray> grads) {
        }

        @Override
        long stateBytes() {
            return 0;
        }

        @Override
        void close() {
        }
    }
}
