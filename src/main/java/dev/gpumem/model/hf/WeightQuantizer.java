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
            if (!quantizable(t, skipModules)) {
                out.add(t);
                continue;
            }
            out.add(new TensorSpec(t.name(), t.shape(), q.storageDtype(), t.group(), t.layer(), true));
            constants(out, t, q);
        }
        return out;
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
        String base = w.name().substring(0, w.name().length() - ".weight".length());
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
