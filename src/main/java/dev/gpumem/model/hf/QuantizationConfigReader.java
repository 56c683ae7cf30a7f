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
 * FbgemmFp8Config ("fbgemm_fp8", one scale per output row), Mxfp4Config ("mxfp4", gpt-oss), compressed-tensors
 * ({@code config_groups.*.weights}: {@code num_bits}, {@code type} int|float, {@code strategy}
 * tensor|channel|group|block, {@code group_size}, {@code block_structure}, {@code symmetric}), TorchAoConfig
 * ({@code quant_type} a name such as "int4_weight_only" or a serialized {@code {"default": {"_type":
 * "Int4WeightOnlyConfig", "_data": {...}}}}) and HqqConfig ({@code quant_config.weight_quant_params}: {@code nbits},
 * {@code group_size}). The bytes each stores per weight are in {@link WeightQuantizer}.
 */
final class QuantizationConfigReader {
    static final String ACCEPTED = "bitsandbytes, gptq, awq, fp8, fbgemm_fp8, mxfp4, compressed-tensors, torchao, hqq";

    /** bitsandbytes functional.quantize_4bit: {@code blocksize=64} is the default used by transformers. */
    static final int BNB_4BIT_BLOCK = 64;
    /** GPTQConfig / AwqConfig default group_size. */
    static final int DEFAULT_GROUP = 128;
    /** FineGrainedFP8Config default weight_block_size (128, 128). */
    static final int FP8_BLOCK = 128;
    /** MXFP4 (OCP microscaling): one shared e8m0 scale per 32 fp4 values (transformers integrations/mxfp4.py). */
    static final int MXFP4_BLOCK = 32;
    /** torchao Int4WeightOnlyConfig default group_size. */
    static final int TORCHAO_INT4_GROUP = 128;
    /** HQQ BaseQuantizeConfig default group_size. */
    static final int HQQ_GROUP = 64;

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
            // Mxfp4Config(dequantize=True), the setting for training, loads the experts as bf16
            case "mxfp4" -> q.flag("dequantize", false) ? Quantization.NONE
                    : new Quantization(QuantMethod.MXFP4, 4, MXFP4_BLOCK, DType.FP4, DType.BF16, false);
            case "compressed-tensors", "compressed_tensors" -> compressedTensors(q, checkpointDtype);
            case "torchao" -> torchao(q, checkpointDtype);
            case "hqq" -> hqq(q, checkpointDtype);
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

    /**
     * compressed-tensors (neuralmagic/compressed-tensors quantization/quant_args.py QuantizationArgs): the first
     * config group's weights. Block-wise fp8 has the layout of transformers' fine-grained fp8 and is read as it.
     */
    private static Quantization compressedTensors(HfConfig q, DType checkpointDtype) {
        HfConfig groups = q.nested("config_groups");
        if (groups == null || groups.keys().isEmpty()) {
            throw q.invalid("config_groups", "is missing; compressed-tensors needs config_groups with weights");
        }
        HfConfig w = null;
        for (String key : groups.keys()) {
            HfConfig g = groups.isObject(key) ? groups.nested(key) : null;
            if (g != null && g.isObject("weights")) {
                w = g.nested("weights");
                break;
            }
        }
        if (w == null) {
            throw q.invalid("config_groups", "has no group with 'weights'; compressed-tensors needs one");
        }
        int bits = w.positiveOr(8, "num_bits");
        String type = w.has("type") ? w.string("type").toLowerCase(Locale.ROOT) : "int";
        String strategy = w.has("strategy") ? w.string("strategy").toLowerCase(Locale.ROOT) : "tensor";
        DType storage;
        if (type.equals("float") && bits == 8) {
            storage = DType.FP8;
        } else if (type.equals("int") && bits == 8) {
            storage = DType.INT8;
        } else if (type.equals("int") && bits == 4) {
            storage = DType.INT4;
        } else {
            throw w.invalid("num_bits", "value " + bits + " with type '" + type + "' is not supported; accepted:"
                    + " int 4, int 8, float 8");
        }
        boolean asymmetric = !w.flag("symmetric", true);
        int group = switch (strategy) {
            case "tensor" -> 0;
            case "channel" -> -1;
            case "group", "tensor_group" -> w.positive("group_size");
            case "block" -> {
                List<Long> b = w.integers("block_structure");
                if (b.size() != 2 || !b.get(0).equals(b.get(1)) || b.get(0) <= 0 || b.get(0) > 65536) {
                    throw w.invalid("block_structure", "must be two equal positive integers like [128, 128], got "
                            + b);
                }
                yield (int) (b.get(0) * b.get(1));
            }
            default -> throw w.invalid("strategy", "value '" + strategy
                    + "' is not supported; accepted: tensor, channel, group, block");
        };
        if (strategy.equals("block")) {
            if (storage != DType.FP8) {
                throw w.invalid("strategy", "block is read for float 8-bit weights only");
            }
            return new Quantization(QuantMethod.FP8, 8, group, DType.FP8, checkpointDtype, false);
        }
        return new Quantization(QuantMethod.COMPRESSED_TENSORS, bits, group, storage, checkpointDtype, asymmetric);
    }

    /**
     * torchao (transformers utils/quantization_config.py TorchAoConfig; pytorch/ao torchao/quantization/quant_api.py):
     * int4 weight-only (tinygemm tensor-core-tiled layout, group_size 128 by default), int8 weight-only and int8
     * dynamic-activation/int8-weight (one scale per output row), float8 weight-only (per row) and float8
     * dynamic-activation/float8-weight (per tensor by default).
     */
    private static Quantization torchao(HfConfig q, DType checkpointDtype) {
        String name;
        HfConfig data = null;
        HfConfig serialized = q.isObject("quant_type") ? q.nested("quant_type") : null;
        if (serialized != null) {
            HfConfig first = serialized.nested("default");
            if (first == null || !first.has("_type")) {
                throw q.invalid("quant_type", "must be a name or {\"default\": {\"_type\": ...}}");
            }
            name = first.string("_type");
            data = first.isObject("_data") ? first.nested("_data") : null;
        } else if (q.has("quant_type")) {
            name = q.string("quant_type");
            data = q.isObject("quant_type_kwargs") ? q.nested("quant_type_kwargs") : null;
        } else {
            throw q.invalid("quant_type", "is missing; torchao needs quant_type");
        }
        String n = name.toLowerCase(Locale.ROOT).replace("_", "").replace("config", "");
        int group = data != null && data.has("group_size") ? data.positive("group_size") : TORCHAO_INT4_GROUP;
        return switch (n) {
            case "int4weightonly" -> new Quantization(QuantMethod.TORCHAO, 4, group, DType.INT4, DType.BF16, true);
            case "int8weightonly", "int8dynamicactivationint8weight" ->
                new Quantization(QuantMethod.TORCHAO, 8, -1, DType.INT8, checkpointDtype, true);
            case "float8weightonly" -> new Quantization(QuantMethod.TORCHAO, 8, -1, DType.FP8, checkpointDtype, false);
            case "float8dynamicactivationfloat8weight" ->
                new Quantization(QuantMethod.TORCHAO, 8, 0, DType.FP8, checkpointDtype, false);
            default -> throw q.invalid("quant_type", "value '" + name + "' is not supported; accepted:"
                    + " int4_weight_only, int8_weight_only, int8_dynamic_activation_int8_weight, float8_weight_only,"
                    + " float8_dynamic_activation_float8_weight (or their *Config classes)");
        };
    }

    /** HQQ (transformers utils/quantization_config.py HqqConfig; mobiusml/hqq hqq/core/quantize.py). */
    private static Quantization hqq(HfConfig q, DType checkpointDtype) {
        HfConfig params = q;
        HfConfig config = q.nested("quant_config");
        if (config != null) {
            params = config.isObject("weight_quant_params") ? config.nested("weight_quant_params") : config;
        }
        String key = params.firstPresent("nbits", "bits");
        int bits = key == null ? 4 : params.positive(key);
        if (bits != 4 && bits != 8) {
            throw params.invalid(key, "value " + bits + " is not supported; accepted: 4, 8");
        }
        int group = params.positiveOr(HQQ_GROUP, "group_size");
        DType compute = checkpointDtype == DType.FP32 ? DType.FP16 : checkpointDtype;
        return new Quantization(QuantMethod.HQQ, bits, group, bits == 4 ? DType.INT4 : DType.INT8, compute, false);
    }
}
