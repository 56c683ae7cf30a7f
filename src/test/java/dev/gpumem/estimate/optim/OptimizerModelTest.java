package dev.gpumem.estimate.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.timeline.TensorKind;
import dev.gpumem.units.DType;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptimizerModelTest {
    private static final ParamShape W = new ParamShape("w", List.of(1024L, 256L), 1024L * 256, false);

    @Test
    void foreachAdamWKeepsOneSqrtTemporaryPerParameterButFusedKeepsNone() {
        // torch/optim/adam.py: _multi_tensor_adam computes exp_avg_sq_sqrt = torch._foreach_sqrt(...) (one tensor
        // per parameter, state dtype); _fused_adam calls torch._fused_adamw_ which updates in place.
        List<TensorKind> foreach = new OptimizerModel(Optimizer.ADAMW).temporaries(W, DType.BF16, DType.BF16);
        assertEquals(1, foreach.size());
        assertEquals(1024L * 256 * 2, foreach.get(0).bytes());      // 262,144 bf16 elements = 524,288 B
        assertTrue(new OptimizerModel(Optimizer.ADAMW, true).temporaries(W, DType.BF16, DType.BF16).isEmpty());
        assertTrue(new OptimizerModel(Optimizer.ADAM, true).temporaries(W, DType.FP32, DType.FP32).isEmpty());
    }

    @Test
    void fusedAdamWKeepsTheSameTwoStates() {
        // fused or not, exp_avg and exp_avg_sq are zeros_like(param): 2 · 262,144 · 2 B in bf16
        long states = 0;
        for (TensorKind k : new OptimizerModel(Optimizer.ADAMW, true).states(W, DType.BF16)) {
            states += k.bytes();
        }
        assertEquals(2L * 1024 * 256 * 2, states);
    }

    @Test
    void onlyAdamAndSgdHaveFusedImplementations() {
        assertTrue(OptimizerModel.hasFusedImplementation(Optimizer.ADAMW));
        assertTrue(OptimizerModel.hasFusedImplementation(Optimizer.SGD_MOMENTUM));
        assertFalse(OptimizerModel.hasFusedImplementation(Optimizer.LION));
        assertFalse(OptimizerModel.hasFusedImplementation(Optimizer.ADAFACTOR));
    }

    @Test
    void loopingImplementationsKeepTheTemporariesOfOneParameterAtATime() {
        // w: 1024·256 = 262,144 fp32 elements = 1,048,576 B
        // transformers' AdamW: denom = exp_avg_sq.sqrt().add_(eps): one temporary
        OptimizerModel hf = new OptimizerModel(Optimizer.ADAMW, false, RunConfig.OptimizerImpl.HF_ADAMW);
        List<TensorKind> one = hf.temporaries(W, DType.FP32, DType.FP32);
        assertEquals(1, one.size());
        assertEquals(1_048_576L, one.get(0).bytes());
        assertFalse(hf.temporariesForAllParameters());
        // torch foreach=False: denom = (exp_avg_sq.sqrt() / c).add_(eps): the root and the quotient at once
        OptimizerModel loop = new OptimizerModel(Optimizer.ADAMW, false, RunConfig.OptimizerImpl.FOR_LOOP);
        assertEquals(2L * 1_048_576, loop.temporaries(W, DType.FP32, DType.FP32).stream()
                .mapToLong(TensorKind::bytes).sum());
        assertFalse(loop.temporariesForAllParameters());
        // the foreach default keeps its temporaries for all parameters at once
        assertTrue(new OptimizerModel(Optimizer.ADAMW).temporariesForAllParameters());
    }
}
