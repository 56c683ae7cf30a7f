package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.Head;
import dev.gpumem.model.Architecture.HeadKind;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.Moe;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Architecture.Quantization;
import dev.gpumem.model.Architecture.StackKind;
import dev.gpumem.model.Inventory;
import dev.gpumem.units.DType;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Block variants: the tensors that distinguish them show up with their own shapes. */
class ArchitectureVariantsTest {
    private final Estimator estimator = new Estimator();

    /** BERT-like: encoder-only, LayerNorm, GELU MLP (4h), learned positions, dropout 0.1, 2-label classifier. */
    static Architecture bertLike() {
        return new Architecture("bert", StackKind.ENCODER_ONLY, 64, 2, 0, 4, 4, 16, 256, 100, 512,
                NormKind.LAYER_NORM, MlpKind.PLAIN, Activation.GELU, PositionKind.LEARNED, true, true, true, false,
                0.1, 0.1, Moe.NONE, new Head(HeadKind.SEQUENCE_CLASSIFICATION, 2), Quantization.NONE, DType.FP32);
    }

    /** Mixtral-like: 8 experts, top-2, expert inner size 128. */
    static Architecture moeLike() {
        return new Architecture("mixtral", StackKind.DECODER_ONLY, 64, 2, 0, 4, 2, 16, 128, 100, 512,
                NormKind.RMS_NORM, MlpKind.GATED, Activation.SILU, PositionKind.ROPE, false, false, false, false, 0.0,
                0.0, new Moe(8, 2, 128, 0, 0), Head.causalLm(), Quantization.NONE, DType.BF16);
    }

    /** Falcon-like parallel block: attention and MLP read one norm output. */
    static Architecture parallelLike() {
        return new Architecture("falcon", StackKind.DECODER_ONLY, 64, 2, 0, 4, 1, 16, 256, 100, 512,
                NormKind.LAYER_NORM, MlpKind.PLAIN, Activation.GELU, PositionKind.ROPE, false, false, true, true, 0.0,
                0.0, Moe.NONE, Head.causalLm(), Quantization.NONE, DType.BF16);
    }

    private static long term(PhaseEstimate p, String name) {
        return p.terms().stream().filter(t -> t.name().equals(name)).mapToLong(Term::bytes).sum();
    }

    @Test
    void bertKeepsDropoutMasksOfOneBytePerElement() {
        Inventory inv = TinyModels.inventory(bertLike());
        Estimate e = estimator.estimate(inv, EstimatorPropertiesTest.train(Precision.FP32, 2, 32, Checkpointing.NONE,
                AttentionKernel.EAGER));
        PhaseEstimate fwd = e.phase(Phase.FORWARD);
        assertEquals(2L * 2 * 4 * 32 * 32, term(fwd, "attn.dropout_mask"));          // L·b·a·s·s·1 B
        assertEquals(2L * 2 * 32 * 64, term(fwd, "mlp.residual_dropout_mask"));       // L·b·s·h·1 B
        assertEquals(2L * 2 * 32 * 64, term(fwd, "attn.residual_dropout_mask"));
        assertEquals(0, term(e.phase(Phase.LOSS), "logits.fp32_upcast"));            // classifier: no vocab logits
        Estimate inf = estimator.estimate(inv, EstimatorPropertiesTest.infer(1, 32, 32, DType.FP32));
        assertEquals(List.of(Phase.LOAD, Phase.PREFILL), inf.phases().stream().map(PhaseEstimate::phase).toList());
    }

    @Test
    void moeRoutesTopKTokensThroughTheExperts() {
        Estimate e = estimator.estimate(TinyModels.inventory(moeLike()), EstimatorPropertiesTest.train(
                Precision.BF16, 2, 32, Checkpointing.NONE, AttentionKernel.SDPA));
        PhaseEstimate fwd = e.phase(Phase.FORWARD);
        assertEquals(2L * 2 * 32 * 8 * 4, term(fwd, "moe.routing_softmax_fp32"));   // L·b·s·E·4 B
        assertEquals(2L * 2 * 32 * 2 * 128 * 2, term(fwd, "moe.expert_gate_out"));  // L·b·s·k·ie·2 B
        assertEquals(0, term(fwd, "mlp.gate_out"));
    }

    @Test
    void parallelBlocksShareOneNormOutput() {
        Estimate e = estimator.estimate(TinyModels.inventory(parallelLike()), EstimatorPropertiesTest.train(
                Precision.BF16, 2, 32, Checkpointing.NONE, AttentionKernel.SDPA));
        PhaseEstimate fwd = e.phase(Phase.FORWARD);
        // one LayerNorm per block, whose output feeds both attention and MLP (a sequential block would keep two).
        // The forward peak falls in the last block's residual sums (x + attn, then + mlp: three b·s·h tensors),
        // which outweigh the final LayerNorm's output and statistics, so the final norm is not live yet.
        assertEquals(2L * 2 * 32 * 64 * 2, term(fwd, "norm.out"));
        for (PhaseEstimate p : e.phases()) {
            assertTrue(p.allocated() <= p.reserved());
        }
    }

    @Test
    void tensorParallelHalvesTheSplitWeightsAndKeepsNormsWhole() {
        Inventory inv = TinyModels.tiny();
        Estimate one = estimator.estimate(inv, EstimatorPropertiesTest.train(Precision.BF16, Optimizer.ADAMW, 2, 32,
                Checkpointing.NONE, AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(), 1));
        Estimate two = estimator.estimate(inv, EstimatorPropertiesTest.train(Precision.BF16, Optimizer.ADAMW, 2, 32,
                Checkpointing.NONE, AttentionKernel.SDPA, Finetune.FULL, new Parallel(1, 0, 2, 1), Set.of(), 1));
        PhaseEstimate a = one.phase(Phase.LOAD);
        PhaseEstimate b = two.phase(Phase.LOAD);
        assertEquals(term(a, "weights.mlp.gate_proj.weight"), 2 * term(b, "weights.mlp.gate_proj.weight"));
        assertEquals(term(a, "weights.input_layernorm.weight"), term(b, "weights.input_layernorm.weight"));
        assertEquals(term(one.phase(Phase.FORWARD), "mlp.gate_out"), 2 * term(two.phase(Phase.FORWARD),
                "mlp.gate_out"));
    }

    @Test
    void firstPipelineStageHoldsHalfTheBlocksAndNoLogits() {
        Inventory inv = TinyModels.tiny();
        Estimate e = estimator.estimate(inv, EstimatorPropertiesTest.train(Precision.BF16, Optimizer.ADAMW, 2, 32,
                Checkpointing.NONE, AttentionKernel.SDPA, Finetune.FULL, new Parallel(1, 0, 1, 2), Set.of(), 4));
        PhaseEstimate load = e.phase(Phase.LOAD);
        assertEquals(64L * 64 * 2, term(load, "weights.self_attn.q_proj.weight"));    // one block's q_proj
        assertEquals(0, term(load, "weights.lm_head.weight"));
        assertFalse(e.phases().stream().flatMap(p -> p.terms().stream())
                .anyMatch(t -> t.component() == Component.LOGITS));
        // 1F1B: two micro-batches in flight on the first stage, so two sets of block activations
        assertEquals(2L * 2 * 32 * 128 * 2, term(e.phase(Phase.FORWARD), "mlp.gate_out"));
    }
}
