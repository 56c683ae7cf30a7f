package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.QuantMethod;
import dev.gpumem.model.Architecture.Quantization;
import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.TensorSpec;
import dev.gpumem.units.DType;
import java.util.ArrayList;
import java.util.List;

/**
 * Stores the linear weights inside the blocks quantized and adds the quantization constants kept beside them
 * ({@link ParamGroup#QUANT_STATE}). Embeddings, norms, biases, routers and the LM head stay in the checkpoint
 * dtype, as transformers leaves them (bnb skips the output embedding; GPTQ/AWQ quantize the blocks' nn.Linear
 * layers only). A quantized weight keeps its logical shape [out, in] so it counts its elements as parameters;
 * its dtype carries the bits. Constants per weight of n = out·in elements:
 * <ul>
 *   <li>bnb 4-bit (bitsandbytes functional.py quantize_4bit / QuantState.as_dict): {@code absmax} one fp32 per 64
 *       elements and a 16-entry fp32 {@code quant_map}; with double quantization the absmax become uint8 and
 *       gain a second level, {@code nested_absmax} one fp32 per 256 blocks, and a 256-entry fp32
 *       {@code nested_quant_map}.</li>
 *   <li>bnb 8-bit (LLM.int8, bitsandbytes nn/modules.py Int8Params): {@code SCB} one fp32 scale per output row.</li>
 *   <li>GPTQ (AutoGPTQ / GPTQModel QuantLinear): {@code qzeros} int32 [groups, out·bits/32], {@code scales} fp16
 *       [groups, out], {@code g_idx} int32 [in]; groups = ceil(in / group_size), 1 when group_size is -1.</li>
 *   <li>AWQ (AutoAWQ WQLinear_GEMM): {@code qzeros} and {@code scales} as GPTQ, no g_idx.</li>
 *   <li>FP8 block-wise (transformers integrations/finegrained_fp8.py FP8Linear): {@code weight_scale_inv} fp32
 *       [ceil(out/b), ceil(in/b)]; per-row fp8 (integrations/fbgemm_fp8.py): {@code weight_scale} fp32 [out, 1].</li>
 *   <li>MXFP4 (transformers integrations/mxfp4.py, quantizers/quantizer_mxfp4.py): only the fused expert weights
 *       of gpt-oss ({@code gate_up_proj}, {@code down_proj}) are quantized, as {@code *_blocks} uint8
 *       [E, out, in/32, 16] (two fp4 e2m1 values a byte) and {@code *_scales} uint8 [E, out, in/32] (one e8m0
 *       exponent per 32 values): 4.25 bits a weight. Attention, router, embeddings and LM head stay bf16.</li>
 *   <li>compressed-tensors (neuralmagic/compressed-tensors compressors/quantized_compressors: float-quantized,
 *       int-quantized, pack-quantized): {@code weight_scale} in the checkpoint dtype, [1] per tensor, [out, 1] per
 *       channel, [out, ceil(in/g)] per group; asymmetric weights add {@code weight_zero_point} (int8, or packed
 *       int32 [ceil(out·bits/32), groups] for 4-bit); 4-bit weights are packed eight to an int32
 *       ({@code weight_packed}) with a {@code weight_shape} int64 [2].</li>
 *   <li>torchao (pytorch/ao torchao/quantization/quant_api.py): int4 weight-only in the tensor-core-tiled layout
 *       keeps {@code scale_and_zero} bf16 [ceil(in/g), out, 2]; int8 weight-only and int8 dynamic keep a scale
 *       [out] in the checkpoint dtype and an int64 zero point [out]; float8 weight-only an fp32 scale [out]
 *       (per row), float8 dynamic an fp32 scale [1] (per tensor).</li>
 *   <li>HQQ (mobiusml/hqq hqq/core/quantize.py HQQLinear, meta kept unquantized): {@code scale} and {@code zero}
 *       in the compute dtype, one each per group of {@code group_size} weights.</li>
 * </ul>
 */
final class WeightQuantizer {
    static final long BNB_DOUBLE_QUANT_BLOCK = 256;
    static final long BNB_4BIT_CODEBOOK = 16;
    static final long BNB_8BIT_CODEBOOK = 256;

    /**
     * @param skipModules module-name fragments left unquantized ({@code llm_int8_skip_modules},
     *                    {@code modules_to_not_convert})
     */
    List<TensorSpec> apply(List<TensorSpec> tensors, Quantization q, List<String> skipModules) {
        if (!q.enabled()) {
            return tensors;
        }
        List<TensorSpec> out = new ArrayList<>(tensors.size() * 2);
        for (TensorSpec t : tensors) {
            boolean mx = q.method() == QuantMethod.MXFP4;
            if (mx ? !mxfp4Expert(t) : !quantizable(t, skipModules)) {
                out.add(t);
                continue;
            }
            out.add(new TensorSpec(t.name(), t.shape(), q.storageDtype(), t.group(), t.layer(), true));
            constants(out, t, q);
        }
        return out;
    }

    /** gpt-oss's fused expert weights {@code mlp.experts.gate_up_proj} / {@code down_proj} [E, in, out]. */
    static boolean mxfp4Expert(TensorSpec t) {
        return t.group() == ParamGroup.EXPERT && t.shape().size() == 3 && t.name().endsWith("_proj");
    }

    /** 2-D linear weights inside a block; not embeddings (T5's relative bias table is an nn.Embedding). */
    static boolean quantizable(TensorSpec t, List<String> skipModules) {
        boolean linearGroup = t.group() == ParamGroup.ATTENTION || t.group() == ParamGroup.MLP
                || t.group() == ParamGroup.EXPERT;
        if (!linearGroup || t.layer() < 0 || t.shape().size() != 2 || !t.name().endsWith(".weight")
                || t.name().contains("relative_attention_bias")) {
            return false;
        }
        for (String skip : skipModules) {
            if (t.name().contains(skip)) {
                return false;
            }
        }
        return true;
    }

    private static void constants(List<TensorSpec> out, TensorSpec w, Quantization q) {
        String base = w.name().endsWith(".weight") ? w.name().substring(0, w.name().length() - 7) : w.name();
        long rows = w.shape().get(0);
        long cols = w.shape().get(1);
        long n = w.numel();
        switch (q.method()) {
            case BNB_4BIT -> {
                long blocks = ceilDiv(n, q.groupSize());
                if (q.doubleQuant()) {
                    state(out, w, w.name() + ".absmax", DType.UINT8, blocks);
                    state(out, w, w.name() + ".nested_absmax", DType.FP32, ceilDiv(blocks, BNB_DOUBLE_QUANT_BLOCK));
                    state(out, w, w.name() + ".nested_quant_map", DType.FP32, BNB_8BIT_CODEBOOK);
                } else {
                    state(out, w, w.name() + ".absmax", DType.FP32, blocks);
                }
                state(out, w, w.name() + ".quant_map", DType.FP32, BNB_4BIT_CODEBOOK);
            }
            case BNB_8BIT -> state(out, w, base + ".SCB", DType.FP32, rows);
            case GPTQ, AWQ -> {
                long groups = q.groupSize() <= 0 ? 1 : ceilDiv(cols, q.groupSize());
                state(out, w, base + ".qzeros", DType.INT32, groups, ceilDiv(rows * q.bits(), 32));
                state(out, w, base + ".scales", DType.FP16, groups, rows);
                if (q.method() == QuantMethod.GPTQ) {
                    state(out, w, base + ".g_idx", DType.INT32, cols);
                }
            }
            case FP8 -> {
                if (q.groupSize() <= 0) {
                    state(out, w, base + ".weight_scale", DType.FP32, rows, 1);
                } else {
                    long side = Math.round(Math.sqrt(q.groupSize()));
                    state(out, w, base + ".weight_scale_inv", DType.FP32, ceilDiv(rows, side), ceilDiv(cols, side));
                }
            }
            case MXFP4 -> {
                long experts = w.shape().get(0);
                long in = w.shape().get(1);
                long outWidth = w.shape().get(2);
                state(out, w, w.name() + "_scales", DType.UINT8, experts, outWidth, ceilDiv(in, q.groupSize()));
            }
            case COMPRESSED_TENSORS -> {
                long[] scale = q.groupSize() == 0 ? new long[] {1}
                        : q.groupSize() < 0 ? new long[] {rows, 1} : new long[] {rows, ceilDiv(cols, q.groupSize())};
                state(out, w, base + ".weight_scale", q.computeDtype(), scale);
                if (q.doubleQuant()) {
                    if (q.bits() == 4) {
                        state(out, w, base + ".weight_zero_point", DType.INT32, ceilDiv(rows * 4, 32),
                                scale.length == 2 ? scale[1] : 1);
                    } else {
                        state(out, w, base + ".weight_zero_point", DType.INT8, scale);
                    }
                }
                if (q.bits() == 4) {
                    state(out, w, base + ".weight_shape", DType.INT64, 2);
                }
            }
            case TORCHAO -> {
                if (q.bits() == 4) {
                    state(out, w, base + ".weight.scale_and_zero", DType.BF16, ceilDiv(cols, q.groupSize()), rows, 2);
                } else if (q.storageDtype() == DType.INT8) {
                    state(out, w, base + ".weight.scale", q.computeDtype(), rows);
                    state(out, w, base + ".weight.zero_point", DType.INT64, rows);
                } else {
                    state(out, w, base + ".weight.scale", DType.FP32, q.groupSize() == 0 ? 1 : rows);
                }
            }
            case HQQ -> {
                long groups = ceilDiv(n, q.groupSize());
                state(out, w, base + ".scale", q.computeDtype(), groups);
                state(out, w, base + ".zero", q.computeDtype(), groups);
            }
            default -> throw new IllegalStateException("unhandled quantization " + q.method());
        }
    }

    private static void state(List<TensorSpec> out, TensorSpec w, String name, DType dtype, long... dims) {
        out.add(new TensorSpec(name, java.util.Arrays.stream(dims).boxed().toList(), dtype, ParamGroup.QUANT_STATE,
                w.layer(), true));
    }

    static long ceilDiv(long a, long b) {
        return Math.floorDiv(Math.addExact(a, b - 1), b);
    }
}
