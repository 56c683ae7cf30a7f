package dev.gpumem.units;

import dev.gpumem.input.BadInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Element types with their size in bits (nf4/int4 are 4 bits: never integer-divide them to bytes). */
public enum DType {
    FP64("float64", 64),
    FP32("float32", 32),
    TF32("tf32", 32),
    FP16("float16", 16),
    BF16("bfloat16", 16),
    FP8("float8", 8),
    INT64("int64", 64),
    INT32("int32", 32),
    INT8("int8", 8),
    UINT8("uint8", 8),
    INT4("int4", 4),
    NF4("nf4", 4),
    /** OCP microscaling fp4 (e2m1) values, as MXFP4 stores them two per byte */
    FP4("float4_e2m1", 4),
    BOOL("bool", 8);

    private final String wireName;
    private final int bits;

    DType(String wireName, int bits) {
        this.wireName = wireName;
        this.bits = bits;
    }

    /** @return size of one element in bits */
    public int bits() {
        return bits;
    }

    /** @return the canonical lower-case name, as used in requests and profiles */
    public String wireName() {
        return wireName;
    }

    /** @return bytes for {@code elements} elements, rounded up to whole bytes (packed sub-byte types). */
    public long bytes(long elements) {
        if (elements < 0) {
            throw new IllegalArgumentException("negative element count " + elements);
        }
        return Math.addExact(Math.multiplyExact(elements, (long) bits), 7) / 8;
    }

    /**
     * Parses the names users write: {@code fp32 float32 f32 fp16 float16 half bf16 bfloat16 fp8 int8 int4 nf4 ...}
     * and safetensors' {@code F32 F16 BF16 I64 U8 BOOL F8_E4M3 ...}.
     *
     * @throws BadInputException naming the accepted values
     */
    public static DType parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT).replace("torch.", "");
        switch (n) {
            case "fp64": case "float64": case "f64": case "double": return FP64;
            case "fp32": case "float32": case "f32": case "float": return FP32;
            case "tf32": return TF32;
            case "fp16": case "float16": case "f16": case "half": return FP16;
            case "bf16": case "bfloat16": return BF16;
            case "fp8": case "float8": case "f8_e4m3": case "f8_e5m2": case "float8_e4m3fn": case "float8_e5m2":
            case "e4m3": case "e5m2": return FP8;
            case "int64": case "i64": case "long": return INT64;
            case "int32": case "i32": case "int": return INT32;
            case "int8": case "i8": return INT8;
            case "uint8": case "u8": return UINT8;
            case "int4": case "i4": return INT4;
            case "nf4": case "fp4": return NF4;
            case "float4_e2m1": case "mxfp4": return FP4;
            case "bool": case "boolean": return BOOL;
            default:
                throw new BadInputException("unknown dtype '" + name + "'; accepted: "
                        + Arrays.stream(values()).map(DType::wireName).collect(Collectors.joining(", ")));
        }
    }
}
