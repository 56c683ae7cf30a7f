package dev.gpumem.model.hf;

import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture.QuantMethod;
import dev.gpumem.model.Architecture.Quantization;
import dev.gpumem.units.DType;
import java.util.List;
import java.util.Locale;

/**
 * Reads {@code quantization_config} in Hugging Face's format (transformers utils/quantization_config.py):
 * BitsAndBytesConfig ({@code load_in_4bit}/{@code load_in_8bit}, {@code bnb_4bit_quant_type} nf4|fp4,
 * {@code bnb_4bit_use_double_quant}, {@code bnb_4bit_compute_dtype}), GPTQConfig and AwqConfig ({@code bits},
 * {@code group_size}), FineGrainedFP8Config ({@code quant_method} "fp8", {@code weight_block_size}) and
 * FbgemmFp8Config ("fbgemm_fp8", one scale per output row).
 */
final class QuantizationConfigReader {
    static final String ACCEPTED = "bitsandbytes, gptq, awq, fp8, fbgemm_fp8";

    /** bitsandbytes functional.quantize_4bit: {@code blocksize=64} is the default used by transformers. */
    static final int BNB_4BIT_BLOCK = 64;
    /** GPTQConfig / AwqConfig default group_size. */
    static final int DEFAULT_GROUP = 128;
    /** FineGrainedFP8Config default weight_block_size (128, 128). */
    static final int FP8_BLOCK = 128;

    /** @return the quantization the config asks for, {@link Quantization#NONE} without {@code quantization_config} */
    Quantization read(HfConfig config, DType checkpointDtype) {
        HfConfig q = config.nested("quantization_config");
        if (q == null) {
            return Quantization.NONE;
        }
        String method = q.has("quant_method") ? q.string("quant_method").toLowerCase(Locale.ROOT)
                : q.flag("load_in_4bit", false) || q.flag("load_in_8bit", false) ? "bitsandbytes" : "";
        return switch (method) {
            case "bitsandbytes" -> bitsandbytes(q);
            case "gptq" -> new Quantization(QuantMethod.GPTQ, intBits(q), groupSize(q, "group_size"),
                    intType(q), DType.FP16, false);
            case "awq" -> new Quantization(QuantMethod.AWQ, intBits(q), groupSize(q, "group_size", "q_group_size"),
                    intType(q), DType.FP16, false);
            case "fp8" -> new Quantization(QuantMethod.FP8, 8, fp8Block(q), DType.FP8, checkpointDtype, false);
            case "fbgemm_fp8" -> new Quantization(QuantMethod.FP8, 8, -1, DType.FP8, checkpointDtype, false);
            default -> throw q.invalid("quant_method", "value '" + method
                    + "' is not supported; accepted: " + ACCEPTED);
        };
    }

    private static Quantization bitsandbytes(HfConfig q) {
        boolean four = q.flag("load_in_4bit", false);
        boolean eight = q.flag("load_in_8bit", false);
        if (four == eight) {
            throw new BadInputException(q.origin() + ": exactly one of '" + q.field("load_in_4bit") + "' and '"
                    + q.field("load_in_8bit") + "' must be true for quant_method bitsandbytes");
        }
        // BitsAndBytesConfig: bnb_4bit_compute_dtype defaults to torch.float32.
        DType compute = q.has("bnb_4bit_compute_dtype") ? dtype(q, "bnb_4bit_compute_dtype") : DType.FP32;
        if (eight) {
            // LLM.int8 (bitsandbytes Int8Params): int8 weight, one fp32 scale (SCB) per output row.
            return new Quantization(QuantMethod.BNB_8BIT, 8, -1, DType.INT8, DType.FP16, false);
        }
        String type = q.has("bnb_4bit_quant_type") ? q.string("bnb_4bit_quant_type").toLowerCase(Locale.ROOT) : "fp4";
        if (!type.equals("nf4") && !type.equals("fp4")) {
            throw q.invalid("bnb_4bit_quant_type", "value '" + type + "' is not supported; accepted: nf4, fp4");
        }
        return new Quantization(QuantMethod.BNB_4BIT, 4, BNB_4BIT_BLOCK, DType.NF4, compute,
                q.flag("bnb_4bit_use_double_quant", false));
    }

    private static int intBits(HfConfig q) {
        String key = q.has("bits") ? "bits" : "w_bit";
        int bits = q.positiveOr(4, key);
        if (bits != 4 && bits != 8) {
            throw q.invalid(key, "value " + bits + " is not supported; accepted: 4, 8");
        }
        return bits;
    }

    private static DType intType(HfConfig q) {
        return intBits(q) == 4 ? DType.INT4 : DType.INT8;
    }

    /** @return group_size, where -1 means one group per column (the whole input dimension) */
    private static int groupSize(HfConfig q, String... keys) {
        String key = q.firstPresent(keys);
        if (key == null) {
            return DEFAULT_GROUP;
        }
        if (q.integer(key) == -1) {
            return -1;
        }
        return q.positive(key);
    }

    private static int fp8Block(HfConfig q) {
        List<Long> block = q.integers("weight_block_size");
        if (block.isEmpty()) {
            return FP8_BLOCK * FP8_BLOCK;
        }
        if (block.size() != 2 || !block.get(0).equals(block.get(1)) || block.get(0) <= 0 || block.get(0) > 65536) {
            throw q.invalid("weight_block_size", "must be two equal positive integers no larger than 65536,"
                    + " like [128, 128], got " + block);
        }
        return (int) (block.get(0) * block.get(1));
    }

    private static DType dtype(HfConfig q, String key) {
        try {
            return DType.parse(q.string(key));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(q.origin() + ": field '" + q.field(key) + "': " + e.getMessage(), e);
        }
    }
}
