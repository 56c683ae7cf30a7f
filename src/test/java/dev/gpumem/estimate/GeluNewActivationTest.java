package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.RunConfig.RunOption;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.Head;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.Moe;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Architecture.Quantization;
import dev.gpumem.model.Architecture.StackKind;
import dev.gpumem.model.Inventory;
import dev.gpumem.units.DType;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * HF's gelu_new (GPT-2, GPT-J, Phi, T5 v1.1) is a Python composite: autograd keeps {@code 0.5·x}, {@code tanh(..)}
 * and {@code 1 + tanh(..)} besides x, three b·s·i tensors per layer that the fused tanh GELU does not keep.
 * Expected values are hand arithmetic on a GPT-2-shaped toy (h 64, i 256, 3 layers).
 */
class GeluNewActivationTest {
    private static final int LAYERS = 3;
    private static final long B = 2;
    private static final long S = 64;
    private static final long I = 256;
    private final Estimator estimator = new Estimator();

    static Architecture gpt2Like(Activation act) {
        return new Architecture("gpt2", StackKind.DECODER_ONLY, 64, LAYERS, 0, 4, 4, 16, (int) I, 100, 512,
                NormKind.LAYER_NORM, MlpKind.PLAIN, act, PositionKind.LEARNED, true, true, true, false, 0.0, 0.0,
                Moe.NONE, Head.causalLm(), Quantization.NONE, DType.FP32);
    }

    private Estimate train(Activation act, Set<RunOption> options) {
        return estimator.estimate(TinyModels.inventory(gpt2Like(act)), EstimatorPropertiesTest.train(Precision.FP32,
                Optimizer.SGD, (int) B, (int) S, Checkpointing.NONE, AttentionKernel.SDPA, Finetune.FULL,
                Parallel.SINGLE, options, 1));
    }

    private static long terms(PhaseEstimate p, String prefix) {
        return p.terms().stream().filter(t -> t.name().startsWith(prefix)).mapToLong(Term::bytes).sum();
    }

    @Test
    void geluNewKeepsThreeMoreIntermediatesPerLayerThanTheFusedGelu() {
        long bsi = B * S * I * 4;                                   // b·s·i fp32 = 131,072 B (a multiple of 512)
        Estimate composite = train(Activation.GELU_NEW, Set.of());
        Estimate fused = train(Activation.GELU_TANH, Set.of());
        // at the end of forward: L·(0.5·x, tanh, 1 + tanh) = 3 · 3 · 131,072 B
        assertEquals(3L * LAYERS * bsi, terms(composite.phase(Phase.LOSS), "mlp.gelu_new."));
        assertEquals(0, terms(fused.phase(Phase.LOSS), "mlp.gelu_new."));
        assertEquals(3L * LAYERS * bsi,
                composite.phase(Phase.LOSS).allocated() - fused.phase(Phase.LOSS).allocated());
    }

    @Test
    void gatedMlpWithGeluNewKeepsTheCompositeOfTheGate() {
        // T5 v1.1 style gated-gelu: act(wi_0(x)) · wi_1(x) with gelu_new as the activation
        Architecture gated = new Architecture("llama", StackKind.DECODER_ONLY, 64, LAYERS, 0, 4, 4, 16, (int) I, 100,
                512, NormKind.RMS_NORM, MlpKind.GATED, Activation.GELU_NEW, PositionKind.ROPE, false, false, false,
                false, 0.0, 0.0, Moe.NONE, Head.causalLm(), Quantization.NONE, DType.FP32);
        Estimate e = estimator.estimate(TinyModels.inventory(gated), EstimatorPropertiesTest.train(Precision.FP32,
                Optimizer.SGD, (int) B, (int) S, Checkpointing.NONE, AttentionKernel.SDPA, Finetune.FULL,
                Parallel.SINGLE, Set.of(), 1));
        assertEquals(3L * LAYERS * B * S * I * 4, terms(e.phase(Phase.LOSS), "mlp.gelu_new."));
    }

    @Test
    void compiledGeluNewIsOneFusedKernelAndKeepsOnlyItsInput() {
        Estimate compiled = train(Activation.GELU_NEW, Set.of(RunOption.COMPILE));
        Estimate fusedCompiled = train(Activation.GELU_TANH, Set.of(RunOption.COMPILE));
        assertEquals(0, terms(compiled.phase(Phase.FORWARD), "mlp.gelu_new."));
        for (Phase p : new Phase[] {Phase.FORWARD, Phase.LOSS, Phase.BACKWARD}) {
            assertEquals(fusedCompiled.phase(p).allocated(), compiled.phase(p).allocated(), p.toString());
        }
    }

    @Test
    void inferenceKeepsNoneOfTheCompositeAfterTheBlock() {
        Inventory composite = TinyModels.inventory(gpt2Like(Activation.GELU_NEW));
        Inventory fused = TinyModels.inventory(gpt2Like(Activation.GELU_TANH));
        RunConfig infer = EstimatorPropertiesTest.infer(1, 64, 128, DType.FP32);
        // no autograd: every composite intermediate dies at once; the prefill peak can only rise by transients
        Estimate c = estimator.estimate(composite, infer);
        Estimate f = estimator.estimate(fused, infer);
        assertEquals(f.phase(Phase.LOAD).allocated(), c.phase(Phase.LOAD).allocated());
        long bsi = 1L * 64 * I * 2;                                 // b·s·i bf16
        long rise = c.phase(Phase.PREFILL).allocated() - f.phase(Phase.PREFILL).allocated();
        // at most 0.5·x and two chain intermediates, or 0.5·x, tanh and 1 + tanh, live beside x
        assertEquals(true, rise >= 0 && rise <= 3 * bsi, "prefill rise " + rise);
    }
}
