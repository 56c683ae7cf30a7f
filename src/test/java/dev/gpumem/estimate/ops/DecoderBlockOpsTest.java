package dev.gpumem.estimate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Estimator;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.TinyModels;
import dev.gpumem.estimate.RunConfig.ModelCode;
import dev.gpumem.estimate.ops.BlockSpec.BaseWeights;
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
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One block's saved tensors, by hand arithmetic on a toy block, per MLP kind and norm style (what autograd keeps:
 * tools/autograd/derivatives.yaml; RMSNorm as HF's Python module, LayerNorm as native_layer_norm), and the
 * property that activation checkpointing never makes a step hold more activations.
 */
class DecoderBlockOpsTest {
    static Architecture toy(NormKind norm, MlpKind mlp, Activation act) {
        return new Architecture("toy", StackKind.DECODER_ONLY, 64, 1, 0, 2, 2, 32, 128, 100, 512, norm, mlp, act,
                PositionKind.ROPE, false, false, false, false, 0.0, 0.0, Moe.NONE, Head.causalLm(), Quantization.NONE,
                DType.FP32);
    }

    /** @return name → bytes of what one block holds when its forward ends (its input and output not counted) */
    static Map<String, Long> held(Architecture a, AttentionKernel kernel, BaseWeights w) {
        BlockSpec spec = new BlockSpec(a, DType.FP32, DType.FP32, BlockSpec.Autocast.OFF, kernel, w, Set.of(), 1,
                DType.FP32, BlockSpec.Execution.EAGER, ModelCode.HF, 0.0);
        BlockProgram p = DecoderBlockOps.program(spec, Dims.of(a, 1, 8, 1));
        return HeldAtForwardEnd.of(p);
    }

    // Toy block: h 64, a = kv = 2 heads of d 32, i 128, b 1, s 8, fp32 throughout (no autocast), no dropout.
    // b·s·h = 512 elements = 2048 B; b·s·i = 1024 elements = 4096 B; a norm's rstd (or mean) b·s fp32 = 32 B;
    // SDPA's fp32 logsumexp b·a·s = 16 elements = 64 B; eager's fp32 softmax output b·a·s·s = 128 elements = 512 B.
    private static final long BSH = 2048;
    private static final long BSI = 4096;
    private static final long BS_FP32 = 32;

    @Test
    void swigluRmsNormBlockKeepsWhatAutogradSavesForBackward() {
        Map<String, Long> held = held(toy(NormKind.RMS_NORM, MlpKind.GATED, Activation.SILU), AttentionKernel.SDPA,
                BaseWeights.TRAINED);
        // each RMSNorm (x * rsqrt(mean(x²) + eps), then weight * x̂): rstd kept by the mul, x̂ kept by the weight's
        // mul (the weight trains), the output kept by the next linears; the fp32 input needs no copy
        assertEquals(2 * BS_FP32, held.get("norm.rstd"));
        assertEquals(2 * BSH, held.get("norm.normalized_fp32"));
        assertEquals(2 * BSH, held.get("norm.out"));
        // SDPA keeps q and k after RoPE, v, its output (also o_proj's input) and the logsumexp
        assertEquals(BSH, held.get("attn.q_rope"));
        assertEquals(BSH, held.get("attn.k_rope"));
        assertEquals(BSH, held.get("attn.v"));
        assertEquals(BSH, held.get("attn.sdpa_out"));
        assertEquals(64L, held.get("attn.logsumexp"));
        // x + attn(x) is the MLP norm's input, kept by that norm
        assertEquals(BSH, held.get("hidden.residual"));
        // silu(gate) * up: gate output (silu), silu output and up output (the mul), the product (down_proj)
        assertEquals(BSI, held.get("mlp.gate_out"));
        assertEquals(BSI, held.get("mlp.act_out"));
        assertEquals(BSI, held.get("mlp.up_out"));
        assertEquals(BSI, held.get("mlp.act_times_up"));
        assertEquals(7 * BSH + 2 * BSH + 4 * BSI + 2 * BS_FP32 + 64, total(held));
    }

    @Test
    void gegluKeepsTheSameTensorsAsSwiglu() {
        // gelu(gate, approximate="tanh") * up: the fused tanh GELU keeps its input only, as silu does
        assertEquals(held(toy(NormKind.RMS_NORM, MlpKind.GATED, Activation.SILU), AttentionKernel.SDPA,
                        BaseWeights.TRAINED),
                held(toy(NormKind.RMS_NORM, MlpKind.GATED, Activation.GELU_TANH), AttentionKernel.SDPA,
                        BaseWeights.TRAINED));
    }

    @Test
    void geluLayerNormBlockKeepsMeanRstdAndBothMlpTensors() {
        Map<String, Long> held = held(toy(NormKind.LAYER_NORM, MlpKind.PLAIN, Activation.GELU), AttentionKernel.SDPA,
                BaseWeights.TRAINED);
        // native_layer_norm keeps its input, fp32 mean and rstd (b·s each); its output is kept by the linears
        assertEquals(2 * BS_FP32, held.get("norm.mean"));
        assertEquals(2 * BS_FP32, held.get("norm.rstd"));
        assertEquals(2 * BSH, held.get("norm.out"));
        // fc1 output kept by GELU, GELU output kept by fc2
        assertEquals(BSI, held.get("mlp.fc1_out"));
        assertEquals(BSI, held.get("mlp.act_out"));
        assertEquals(5 * BSH + 2 * BSH + 2 * BSI + 4 * BS_FP32 + 64, total(held));
    }

    @Test
    void reluKeepsItsOutputNotItsInput() {
        Map<String, Long> held = held(toy(NormKind.LAYER_NORM, MlpKind.PLAIN, Activation.RELU), AttentionKernel.SDPA,
                BaseWeights.TRAINED);
        assertNull(held.get("mlp.fc1_out"));
        assertEquals(BSI, held.get("mlp.act_out"));
        assertEquals(5 * BSH + 2 * BSH + BSI + 4 * BS_FP32 + 64, total(held));
    }

    @Test
    void eagerAttentionKeepsTheSoftmaxOutputAndTheContextInsteadOfTheLogsumexp() {
        Map<String, Long> held = held(toy(NormKind.RMS_NORM, MlpKind.GATED, Activation.SILU), AttentionKernel.EAGER,
                BaseWeights.TRAINED);
        assertEquals(512L, held.get("attn.softmax_out_fp32"));   // kept by probs·v (fp32: the cast is the identity)
        assertEquals(BSH, held.get("attn.context_contiguous"));  // o_proj's input
        assertNull(held.get("attn.logsumexp"));
        assertNull(held.get("attn.sdpa_out"));
        assertEquals(7 * BSH + 2 * BSH + 4 * BSI + 2 * BS_FP32 + 512, total(held));
    }

    @Test
    void frozenWeightsKeepNoLinearInputsAndNoNormalisedInputs() {
        Map<String, Long> held = held(toy(NormKind.RMS_NORM, MlpKind.GATED, Activation.SILU), AttentionKernel.SDPA,
                BaseWeights.FROZEN);
        // autograd saves an mm operand only when the other needs a gradient: no norm outputs, no down_proj input;
        // the norms keep rstd (x̂'s gradient needs it) but not x̂ (only the weight's gradient does)
        assertNull(held.get("norm.out"));
        assertNull(held.get("norm.normalized_fp32"));
        assertNull(held.get("mlp.act_times_up"));
        assertEquals(5 * BSH + 3 * BSI + 2 * BS_FP32 + 64, total(held));
    }

    @Test
    void checkpointingNeverIncreasesTheHeldActivations() {
        Architecture[] models = {toy(NormKind.RMS_NORM, MlpKind.GATED, Activation.SILU),
            toy(NormKind.LAYER_NORM, MlpKind.PLAIN, Activation.GELU),
            toy(NormKind.LAYER_NORM, MlpKind.PLAIN, Activation.RELU),
            TinyModels.llama(4)};
        Estimator estimator = new Estimator();
        for (Architecture a : models) {
            Inventory inv = TinyModels.inventory(a);
            for (Precision p : new Precision[] {Precision.FP32, Precision.BF16, Precision.AMP_BF16}) {
                for (AttentionKernel k : AttentionKernel.values()) {
                    for (int seq : new int[] {8, 64, 256}) {
                        RunConfig base = with(RunConfig.training("toy", p, Optimizer.ADAMW, 2, seq), k,
                                Checkpointing.NONE);
                        long none = heldAtLoss(estimator.estimate(inv, base));
                        for (Checkpointing c : Checkpointing.values()) {
                            long ck = heldAtLoss(estimator.estimate(inv, with(base, k, c)));
                            String what = a.norm() + " " + a.activation() + " " + p + " " + k + " s " + seq + " " + c;
                            assertTrue(ck <= none,
                                    what + ": " + ck + " > " + none);
                            if (c == Checkpointing.FULL) {
                                assertTrue(ck < none, what + ": full checkpointing keeps only block inputs");
                            }
                        }
                    }
                }
            }
        }
    }

    /** @return the activations held when loss.backward() is called: every block's saved tensors */
    private static long heldAtLoss(Estimate e) {
        return e.phase(Phase.LOSS).components().getOrDefault(Component.ACTIVATIONS, 0L);
    }

    private static RunConfig with(RunConfig c, AttentionKernel k, Checkpointing ck) {
        return new RunConfig(c.id(), c.model(), c.modelOverrides(), c.task(), c.precision(), c.masterWeights(),
                c.optimizer(), c.batch(), c.seq(), c.gradAccum(), ck, k, c.finetune(), c.parallel(), c.options(),
                c.inference(), c.gpu(), c.compat(), c.framework());
    }

    private static long total(Map<String, Long> held) {
        return held.values().stream().mapToLong(Long::longValue).sum();
    }
}
