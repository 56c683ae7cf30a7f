package dev.gpumem.estimate.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
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
import dev.gpumem.model.ConfigKeys;
import dev.gpumem.model.LatentAttention;
import dev.gpumem.model.SlidingWindow;
import dev.gpumem.model.Traits;
import dev.gpumem.model.Traits.AttentionKind;
import dev.gpumem.model.Traits.EmbeddingScale;
import dev.gpumem.model.Traits.NormPlacement;
import dev.gpumem.model.Traits.NormWeight;
import dev.gpumem.model.Traits.Projections;
import dev.gpumem.model.Traits.QkNorm;
import dev.gpumem.model.Traits.Softcapping;
import dev.gpumem.units.DType;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * DeepSeek's multi-head latent attention, what one block keeps at the end of its forward, by hand arithmetic on a
 * toy block, read against transformers' {@code DeepseekV3Attention.forward} (modeling_deepseek_v3.py @00b676f) and
 * what autograd saves (tools/autograd/derivatives.yaml: a linear keeps its input, RoPE's muls keep only cos/sin, cat
 * keeps nothing, SDPA keeps q, k, v, its output and the logsumexp).
 *
 * <p>Toy: h 64, a = 2 heads, qk_nope dn 16, qk_rope dr 8 (so d = 24), v_head_dim dv 16, kv_lora_rank kr 32,
 * q_lora_rank qr 0 or 16; b 1, s 8; every weight trained, no dropout.
 */
class LatentAttentionOpsTest {
    static Architecture toy(int qLoraRank) {
        Traits t = new Traits(NormKind.RMS_NORM, NormPlacement.PRE, NormWeight.PLAIN, QkNorm.NONE, MlpKind.GATED,
                Activation.SILU, Projections.SEPARATE, PositionKind.ROPE, Softcapping.NONE, EmbeddingScale.NONE,
                AttentionKind.MULTI_HEAD_LATENT, false, false);
        return new Architecture("deepseek_v3", StackKind.DECODER_ONLY, 64, 1, 0, 2, 2, 24, 128, 100, 512, t, false,
                false, 0.0, 0.0, Moe.NONE, Head.causalLm(), Quantization.NONE, DType.FP32, ConfigKeys.LLAMA,
                new LatentAttention(qLoraRank, 32, 16, 8, 16), SlidingWindow.NONE);
    }

    /** @return name → bytes of what the block holds when its forward ends (its input and output not counted) */
    static Map<String, Long> held(Architecture a, DType c, AttentionKernel kernel) {
        BlockSpec spec = new BlockSpec(a, c, c, BlockSpec.Autocast.OFF, kernel, BaseWeights.TRAINED, Set.of(), 1,
                c, BlockSpec.Execution.EAGER, ModelCode.HF, 0.0);
        BlockProgram p = DecoderBlockOps.program(spec, Dims.of(a, 1, 8, 1));
        return HeldAtForwardEnd.of(p);
    }

    @Test
    void fp32LatentAttentionKeepsTheLatentTheWholeKvProjectionAndTheConcatenatedQueryAndKey() {
        Map<String, Long> held = held(toy(0), DType.FP32, AttentionKernel.SDPA);
        // kv_a_proj_with_mqa output b·s·(kr + dr) = 8·40·4 B: in fp32 kv_a_layernorm's .to(float32) is the view
        // itself, which pow and mul keep, so the whole projection output stays
        assertEquals(8L * 40 * 4, held.get("attn.kv_a_out"));
        // kv_a_layernorm: rstd b·s fp32, x̂ (fp32, for the trained weight), its output (kv_b_proj's input), b·s·kr
        assertEquals(8L * 4, held.get("attn.kv_a_norm.rstd"));
        assertEquals(8L * 32 * 4, held.get("attn.kv_a_norm.normalized_fp32"));
        assertEquals(8L * 32 * 4, held.get("attn.kv_a_norm.out"));
        // kv_b_proj output b·s·a·(dn + dv) = 8·2·32·4 B: the values SDPA keeps are a view of it
        assertEquals(8L * 2 * 32 * 4, held.get("attn.kv_b_out"));
        // torch.cat makes the b·a·s·d query and key SDPA keeps
        assertEquals(8L * 2 * 24 * 4, held.get("attn.query"));
        assertEquals(8L * 2 * 24 * 4, held.get("attn.key"));
        // SDPA output b·s·a·dv (o_proj's input), logsumexp b·a·s fp32
        assertEquals(8L * 2 * 16 * 4, held.get("attn.sdpa_out"));
        assertEquals(2L * 8 * 4, held.get("attn.logsumexp"));
        // q_proj's output dies at the cat; the RoPE'd slices and RoPE's temporaries are transients
        assertNull(held.get("attn.q"));
        assertNull(held.get("attn.q_rot"));
        assertNull(held.get("attn.k_rot"));
        assertNull(held.get("attn.rope_tmp"));
        assertNull(held.get("attn.q_a_out"));
    }

    @Test
    void aQueryBottleneckKeepsItsLatentAndItsNorm() {
        Map<String, Long> held = held(toy(16), DType.FP32, AttentionKernel.SDPA);
        // q_a_proj output b·s·qr = 8·16·4 B, kept by its (fp32) norm; the norm's rstd, x̂ and output (q_b_proj's input)
        assertEquals(8L * 16 * 4, held.get("attn.q_a_out"));
        assertEquals(8L * 4, held.get("attn.q_a_norm.rstd"));
        assertEquals(8L * 16 * 4, held.get("attn.q_a_norm.normalized_fp32"));
        assertEquals(8L * 16 * 4, held.get("attn.q_a_norm.out"));
        assertNull(held.get("attn.q"));
        Map<String, Long> plain = held(toy(0), DType.FP32, AttentionKernel.SDPA);
        assertEquals(total(plain) + 3 * 8L * 16 * 4 + 8L * 4, total(held));   // the three b·s·qr tensors and the rstd
    }

    @Test
    void inBf16TheLatentNormCopiesItsInputSoTheProjectionOutputIsFreed() {
        Map<String, Long> held = held(toy(0), DType.BF16, AttentionKernel.SDPA);
        // .to(float32) copies the b·s·kr latent (kept by pow and mul); the projection output then dies after RoPE
        assertNull(held.get("attn.kv_a_out"));
        assertEquals(8L * 32 * 4, held.get("attn.kv_a_norm.input_fp32"));
        // x̂ cast back to bf16 (kept by the weight's mul), the bf16 output (kept by kv_b_proj)
        assertEquals(8L * 32 * 2, held.get("attn.kv_a_norm.normalized"));
        assertNull(held.get("attn.kv_a_norm.normalized_fp32"));
        assertEquals(8L * 32 * 2, held.get("attn.kv_a_norm.out"));
        assertEquals(8L * 2 * 32 * 2, held.get("attn.kv_b_out"));
        assertEquals(8L * 2 * 24 * 2, held.get("attn.query"));
    }

    @Test
    void eagerAttentionRunsItsContextAtTheValueWidth() {
        Map<String, Long> held = held(toy(0), DType.FP32, AttentionKernel.EAGER);
        // probs·v: the context b·a·s·dv, made contiguous b·s·a·dv for o_proj (kept by it)
        assertEquals(8L * 2 * 16 * 4, held.get("attn.context_contiguous"));
        // the fp32 softmax output b·a·s·s kept by the probs·v matmul
        assertEquals(2L * 8 * 8 * 4, held.get("attn.softmax_out_fp32"));
        assertEquals(8L * 2 * 32 * 4, held.get("attn.kv_b_out"));
    }

    @Test
    void theAttentionOutputIsAsWideAsTheValuesNotTheQueries() {
        // dv = 16 < d = 24: the output SDPA keeps (and o_proj's input) is b·s·a·dv, not b·s·a·d
        Map<String, Long> held = held(toy(0), DType.FP32, AttentionKernel.SDPA);
        assertTrue(held.get("attn.sdpa_out") < 8L * 2 * 24 * 4);
    }

    private static long total(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }
}
