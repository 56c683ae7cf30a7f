package dev.gpumem.model;

import dev.gpumem.input.BadInputException;
import dev.gpumem.units.DType;
import java.util.List;
import java.util.Objects;

/**
 * Normalised architecture dimensions, read from a model's config, that the activation accounting needs.
 * Every family maps onto these fields; what a family lacks takes the documented neutral value.
 *
 * @param modelType          HF {@code model_type} as read (e.g. "llama"), or "generic" for a fallback
 * @param stack              decoder-only, encoder-only or encoder-decoder
 * @param hiddenSize         h
 * @param numLayers          L: decoder blocks (encoder blocks for an encoder-only model)
 * @param numEncoderLayers   encoder blocks of an encoder-decoder model, else 0
 * @param numHeads           a: attention (query) heads
 * @param numKvHeads         key/value heads (GQA/MQA); equals numHeads for plain multi-head attention
 * @param headDim            per-head dimension (may differ from h/a, e.g. gemma)
 * @param intermediateSize   MLP inner size (per expert for MoE: see {@link Moe})
 * @param vocabSize          v
 * @param maxPositions       max_position_embeddings (or n_positions)
 * @param traits             what the blocks are built of: norm kind and placement, q/k norms, MLP kind and
 *                           activation, fused projections, positions, softcapping, tied embeddings, parallel block
 * @param attentionBias      q/k/v/o projections have biases
 * @param mlpBias            MLP projections have biases
 * @param attentionDropout   dropout probability on attention probabilities (0 = no dropout mask kept)
 * @param hiddenDropout      dropout probability on residual branches / embeddings
 * @param moe                mixture-of-experts settings, {@link Moe#NONE} for dense models
 * @param head               which head sits on top (causal LM, sequence classification, masked LM, none)
 * @param quantization       quantization of the stored weights, {@link Quantization#NONE} if none
 * @param checkpointDtype    the config's torch_dtype (dtype the checkpoint is stored in)
 * @param configKeys         the config.json keys the activation and dropouts were read from
 * @param latentAttention    the widths of DeepSeek's multi-head latent attention ({@link LatentAttention#NONE}
 *                           unless {@link Traits#attention} is {@code MULTI_HEAD_LATENT})
 * @param slidingWindow      the blocks that attend over a sliding window and its width ({@link SlidingWindow#NONE})
 */
public record Architecture(
        String modelType,
        StackKind stack,
        int hiddenSize,
        int numLayers,
        int numEncoderLayers,
        int numHeads,
        int numKvHeads,
        int headDim,
        int intermediateSize,
        int vocabSize,
        int maxPositions,
        Traits traits,
        boolean attentionBias,
        boolean mlpBias,
        double attentionDropout,
        double hiddenDropout,
        Moe moe,
        Head head,
        Quantization quantization,
        DType checkpointDtype,
        ConfigKeys configKeys,
        LatentAttention latentAttention,
        SlidingWindow slidingWindow) {

    public Architecture {
        Objects.requireNonNull(modelType, "modelType");
        Objects.requireNonNull(stack, "stack");
        Objects.requireNonNull(traits, "traits");
        Objects.requireNonNull(moe, "moe");
        Objects.requireNonNull(head, "head");
        Objects.requireNonNull(quantization, "quantization");
        Objects.requireNonNull(checkpointDtype, "checkpointDtype");
        Objects.requireNonNull(configKeys, "configKeys");
        Objects.requireNonNull(latentAttention, "latentAttention");
        Objects.requireNonNull(slidingWindow, "slidingWindow");
        if (latentAttention.enabled() != (traits.attention() == Traits.AttentionKind.MULTI_HEAD_LATENT)) {
            throw new IllegalArgumentException("latent attention widths " + latentAttention + " with attention "
                    + traits.attention());
        }
        requirePositive("hidden_size", hiddenSize);
        requirePositive("num_hidden_layers", numLayers);
        requirePositive("num_attention_heads", numHeads);
        requirePositive("num_key_value_heads", numKvHeads);
        requirePositive("head_dim", headDim);
        requirePositive("intermediate_size", intermediateSize);
        requirePositive("vocab_size", vocabSize);
        if (numEncoderLayers < 0) {
            throw new BadInputException("num_encoder_layers must be >= 0, got " + numEncoderLayers);
        }
        if (numHeads % numKvHeads != 0) {
            throw new BadInputException("num_attention_heads (" + numHeads
                    + ") must be a multiple of num_key_value_heads (" + numKvHeads + ")");
        }
    }

    /** An architecture with standard attention ({@link LatentAttention#NONE}). */
    public Architecture(String modelType, StackKind stack, int hiddenSize, int numLayers, int numEncoderLayers,
                        int numHeads, int numKvHeads, int headDim, int intermediateSize, int vocabSize,
                        int maxPositions, Traits traits, boolean attentionBias, boolean mlpBias,
                        double attentionDropout, double hiddenDropout, Moe moe, Head head, Quantization quantization,
                        DType checkpointDtype, ConfigKeys configKeys) {
        this(modelType, stack, hiddenSize, numLayers, numEncoderLayers, numHeads, numKvHeads, headDim,
                intermediateSize, vocabSize, maxPositions, traits, attentionBias, mlpBias, attentionDropout,
                hiddenDropout, moe, head, quantization, checkpointDtype, configKeys, LatentAttention.NONE,
                SlidingWindow.NONE);
    }

    /** An architecture whose blocks have no family-specific traits beyond these basics ({@link Traits#plain}),
     *  read from Llama-style config keys. */
    public Architecture(String modelType, StackKind stack, int hiddenSize, int numLayers, int numEncoderLayers,
                        int numHeads, int numKvHeads, int headDim, int intermediateSize, int vocabSize,
                        int maxPositions, NormKind norm, MlpKind mlp, Activation activation, PositionKind positions,
                        boolean attentionBias, boolean mlpBias, boolean tiedEmbeddings, boolean parallelBlock,
                        double attentionDropout, double hiddenDropout, Moe moe, Head head, Quantization quantization,
                        DType checkpointDtype) {
        this(modelType, stack, hiddenSize, numLayers, numEncoderLayers, numHeads, numKvHeads, headDim,
                intermediateSize, vocabSize, maxPositions,
                Traits.plain(norm, mlp, activation, positions, tiedEmbeddings, parallelBlock), attentionBias, mlpBias,
                attentionDropout, hiddenDropout, moe, head, quantization, checkpointDtype, ConfigKeys.LLAMA);
    }

    /** @return {@link Traits#norm} */
    public NormKind norm() {
        return traits.norm();
    }

    /** @return {@link Traits#mlp} */
    public MlpKind mlp() {
        return traits.mlp();
    }

    /** @return {@link Traits#activation} */
    public Activation activation() {
        return traits.activation();
    }

    /** @return {@link Traits#positions} */
    public PositionKind positions() {
        return traits.positions();
    }

    /** @return {@link Traits#tiedEmbeddings} */
    public boolean tiedEmbeddings() {
        return traits.tiedEmbeddings();
    }

    /** @return {@link Traits#parallelBlock} */
    public boolean parallelBlock() {
        return traits.parallelBlock();
    }

    /** A copy with other traits (tests and the DJL runner's checks build variants this way). */
    public Architecture withTraits(Traits t) {
        return new Architecture(modelType, stack, hiddenSize, numLayers, numEncoderLayers, numHeads, numKvHeads,
                headDim, intermediateSize, vocabSize, maxPositions, t, attentionBias, mlpBias, attentionDropout,
                hiddenDropout, moe, head, quantization, checkpointDtype, configKeys, latentAttention, slidingWindow);
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) {
            throw new BadInputException(field + " must be a positive integer, got " + value);
        }
    }

    /** @return q projection width a·d_head */
    public long queryWidth() {
        return (long) numHeads * headDim;
    }

    /** @return k (or v) projection width kv·d_head */
    public long kvWidth() {
        return (long) numKvHeads * headDim;
    }

    /** @return total transformer blocks (encoder + decoder) */
    public int totalBlocks() {
        return numLayers + numEncoderLayers;
    }

    /** A copy with another number of (decoder) blocks, for truncated runs. */
    public Architecture withNumLayers(int layers) {
        return new Architecture(modelType, stack, hiddenSize, layers, numEncoderLayers, numHeads, numKvHeads, headDim,
                intermediateSize, vocabSize, maxPositions, traits, attentionBias, mlpBias, attentionDropout,
                hiddenDropout, moe.firstBlocks(layers), head, quantization, checkpointDtype, configKeys,
                latentAttention, slidingWindow.firstBlocks(layers));
    }

    public enum StackKind { DECODER_ONLY, ENCODER_ONLY, ENCODER_DECODER }

    public enum NormKind { RMS_NORM, LAYER_NORM }

    /** GATED: gate, up and down projections (act(gate)·up); PLAIN: fc1, activation, fc2. */
    public enum MlpKind { GATED, PLAIN }

    /**
     * SILU: torch's fused silu (keeps x). GELU: the exact (erf) gelu (keeps x). GELU_TANH: torch's fused
     * {@code gelu(approximate="tanh")}, HF "gelu_pytorch_tanh" (keeps x). GELU_NEW: HF's {@code NewGELUActivation}
     * ("gelu_new", GPT-2 / GPT-J / Phi / T5 v1.1), the same function written as separate Python ops, whose autograd
     * nodes keep x, {@code 0.5·x}, {@code tanh(..)} and {@code 1 + tanh(..)}. RELU: keeps its output.
     */
    public enum Activation { SILU, GELU, GELU_TANH, GELU_NEW, RELU }

    public enum PositionKind { ROPE, LEARNED, ALIBI, RELATIVE_BIAS, NONE }

    public enum HeadKind {
        /** next-token prediction over the vocabulary (logits b·s·v) */
        CAUSAL_LM,
        /** masked-LM head (transform + decoder over the vocabulary) */
        MASKED_LM,
        /** pooled classification into numLabels classes */
        SEQUENCE_CLASSIFICATION,
        /** sequence-to-sequence LM (encoder-decoder) */
        SEQ2SEQ_LM,
        /** bare model, no head */
        NONE
    }

    /**
     * @param kind      head kind
     * @param numLabels classes for sequence classification, else 0
     */
    public record Head(HeadKind kind, int numLabels) {
        public static Head causalLm() {
            return new Head(HeadKind.CAUSAL_LM, 0);
        }
    }

    /**
     * @param numExperts               experts per MoE layer (0 = dense model)
     * @param topK                     experts each token is routed to
     * @param expertIntermediateSize   inner size of each expert's MLP
     * @param sharedExpertIntermediateSize inner size of an always-on shared expert, 0 if none (qwen2_moe)
     * @param denseBlocks              blocks of an MoE model whose MLP is a dense one (DeepSeek's first
     *                                 {@code first_k_dense_replace}, Llama 4's blocks outside {@code moe_layers}),
     *                                 ascending; empty for mixtral
     */
    public record Moe(int numExperts, int topK, int expertIntermediateSize, int sharedExpertIntermediateSize,
                      List<Integer> denseBlocks) {
        public static final Moe NONE = new Moe(0, 0, 0, 0, 0);

        public Moe {
            denseBlocks = List.copyOf(denseBlocks);
        }

        /** An MoE whose first {@code denseLayers} blocks are dense. */
        public Moe(int numExperts, int topK, int expertIntermediateSize, int sharedExpertIntermediateSize,
                   int denseLayers) {
            this(numExperts, topK, expertIntermediateSize, sharedExpertIntermediateSize,
                    java.util.stream.IntStream.range(0, denseLayers).boxed().toList());
        }

        public boolean enabled() {
            return numExperts > 0;
        }

        /** @return the same for the first {@code n} blocks */
        Moe firstBlocks(int n) {
            return new Moe(numExperts, topK, expertIntermediateSize, sharedExpertIntermediateSize,
                    denseBlocks.stream().filter(i -> i < n).toList());
        }
    }

    /**
     * Stored-weight formats read from {@code quantization_config}: bitsandbytes 4/8-bit, GPTQ, AWQ, fp8 (block-wise
     * or per row), MXFP4 (gpt-oss experts), compressed-tensors (llm-compressor), torchao and HQQ.
     */
    public enum QuantMethod { NONE, BNB_4BIT, BNB_8BIT, GPTQ, AWQ, FP8, MXFP4, COMPRESSED_TENSORS, TORCHAO, HQQ }

    /**
     * @param method        quantization scheme
     * @param bits          bits per quantized weight
     * @param groupSize     elements per scale group (bnb 4-bit blocksize 64; GPTQ/AWQ group_size, -1 = per column;
     *                      MXFP4 32; compressed-tensors / torchao: the group size, -1 one scale per output row,
     *                      0 one scale per tensor; HQQ group_size)
     * @param storageDtype  dtype of the quantized weights (nf4, int4, int8, fp8)
     * @param computeDtype  dtype matmuls run in (bnb_4bit_compute_dtype)
     * @param doubleQuant   bnb nested quantization of the absmax constants; for compressed-tensors and torchao
     *                      integer weights: zero points are stored beside the scales
     */
    public record Quantization(QuantMethod method, int bits, int groupSize, DType storageDtype, DType computeDtype,
                               boolean doubleQuant) {
        public static final Quantization NONE = new Quantization(QuantMethod.NONE, 16, 0, DType.BF16, DType.BF16, false);

        public boolean enabled() {
            return method != QuantMethod.NONE;
        }
    }
}
