package dev.gpumem.model.hf;

import dev.gpumem.model.Architecture.Activation;
import dev.gpumem.model.Architecture.Head;
import dev.gpumem.model.Architecture.MlpKind;
import dev.gpumem.model.Architecture.Moe;
import dev.gpumem.model.Architecture.NormKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Architecture.Quantization;
import dev.gpumem.model.Architecture.StackKind;
import dev.gpumem.model.ConfigKeys;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Traits.AttentionKind;
import dev.gpumem.model.Traits.EmbeddingScale;
import dev.gpumem.model.Traits.NormPlacement;
import dev.gpumem.model.Traits.NormWeight;
import dev.gpumem.model.Traits.Projections;
import dev.gpumem.model.Traits.QkNorm;
import dev.gpumem.model.Traits.Softcapping;
import dev.gpumem.model.LatentAttention;
import dev.gpumem.model.SlidingWindow;
import dev.gpumem.model.Traits;
import dev.gpumem.units.DType;

/**
 * A mutable draft of an {@link Architecture} that a family mapper fills in field by field, so that no mapper has to
 * call the 25-argument constructor. Defaults are the neutral values: decoder-only, RMSNorm, gated SiLU MLP, RoPE,
 * no biases, untied, sequential block, no dropout, dense, no quantization; pre-norms with a plain weight, no q/k norms,
 * separate projections, no softcapping, unscaled embeddings, standard attention.
 * Local to one {@link FamilyMapper#map} call; never shared.
 */
final class ArchitectureDraft {
    String modelType;
    StackKind stack = StackKind.DECODER_ONLY;
    int hiddenSize;
    int numLayers;
    int numEncoderLayers;
    int numHeads;
    int numKvHeads;
    int headDim;
    int intermediateSize;
    int vocabSize;
    int maxPositions;
    NormKind norm = NormKind.RMS_NORM;
    MlpKind mlp = MlpKind.GATED;
    Activation activation = Activation.SILU;
    PositionKind positions = PositionKind.ROPE;
    NormPlacement normPlacement = NormPlacement.PRE;
    NormWeight normWeight = NormWeight.PLAIN;
    QkNorm qkNorm = QkNorm.NONE;
    Projections projections = Projections.SEPARATE;
    Softcapping softcapping = Softcapping.NONE;
    EmbeddingScale embeddingScale = EmbeddingScale.NONE;
    AttentionKind attention = AttentionKind.STANDARD;
    ConfigKeys configKeys = ConfigKeys.LLAMA;
    boolean attentionBias;
    boolean mlpBias;
    boolean tiedEmbeddings;
    boolean parallelBlock;
    double attentionDropout;
    double hiddenDropout;
    Moe moe = Moe.NONE;
    LatentAttention latentAttention = LatentAttention.NONE;
    SlidingWindow slidingWindow = SlidingWindow.NONE;
    Head head;
    Quantization quantization = Quantization.NONE;
    DType checkpointDtype;

    /** Seeds the fields every family shares from the loader's context. */
    ArchitectureDraft(String modelType, MapperContext ctx) {
        this.modelType = modelType;
        this.head = ctx.head();
        this.quantization = ctx.quantization();
        this.checkpointDtype = ctx.checkpointDtype();
    }

    Architecture build() {
        return new Architecture(modelType, stack, hiddenSize, numLayers, numEncoderLayers, numHeads, numKvHeads,
                headDim, intermediateSize, vocabSize, maxPositions, new Traits(norm, normPlacement, normWeight, qkNorm,
                mlp, activation, projections, positions, softcapping, embeddingScale, attention, tiedEmbeddings,
                parallelBlock), attentionBias, mlpBias, attentionDropout, hiddenDropout, moe, head, quantization,
                checkpointDtype, configKeys, latentAttention, slidingWindow);
    }
}
