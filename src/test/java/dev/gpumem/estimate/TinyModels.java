package dev.gpumem.estimate;

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
import dev.gpumem.model.InventoryBuilder;
import dev.gpumem.units.DType;
import java.util.List;

/** Hand-made architectures for estimator tests. */
public final class TinyModels {
    private TinyModels() {
    }

    /** Llama-style: h=64, L=2, a=4, kv=2, d=16, i=128, v=100, untied, RMSNorm, SwiGLU, RoPE, no dropout. */
    public static Architecture llama(int layers) {
        return new Architecture("llama", StackKind.DECODER_ONLY, 64, layers, 0, 4, 2, 16, 128, 100, 512,
                NormKind.RMS_NORM, MlpKind.GATED, Activation.SILU, PositionKind.ROPE, false, false, false, false,
                0.0, 0.0, Moe.NONE, Head.causalLm(), Quantization.NONE, DType.BF16);
    }

    public static Architecture llama(int hidden, int layers, int heads, int kv, int headDim, int inter, int vocab) {
        return new Architecture("llama", StackKind.DECODER_ONLY, hidden, layers, 0, heads, kv, headDim, inter, vocab,
                8192, NormKind.RMS_NORM, MlpKind.GATED, Activation.SILU, PositionKind.ROPE, false, false, false,
                false, 0.0, 0.0, Moe.NONE, Head.causalLm(), Quantization.NONE, DType.BF16);
    }

    public static Inventory inventory(Architecture a) {
        return InventoryBuilder.decoder("tiny", a, List.of());
    }

    public static Inventory tiny() {
        return inventory(llama(2));
    }

    /** Llama-3.1-8B's published dimensions. */
    public static Inventory llama8b() {
        return inventory(llama(4096, 32, 32, 8, 128, 14336, 128256));
    }
}
