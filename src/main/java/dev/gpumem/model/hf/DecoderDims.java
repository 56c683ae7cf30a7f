package dev.gpumem.model.hf;

import dev.gpumem.input.BadInputException;

/**
 * The dimensions every transformer config states, read under the aliases families use for them
 * (e.g. GPT-2's {@code n_embd}/{@code n_layer}/{@code n_head}, T5's {@code d_model}/{@code num_layers}).
 *
 * @param hidden       hidden size h
 * @param layers       blocks L
 * @param heads        query heads a
 * @param kvHeads      key/value heads ({@code num_key_value_heads}; a when absent)
 * @param headDim      {@code head_dim} when given, else h / a
 * @param vocab        vocabulary size v
 * @param maxPositions longest sequence the config states (0 when it states none)
 */
record DecoderDims(int hidden, int layers, int heads, int kvHeads, int headDim, int vocab, int maxPositions) {
    static final String[] HIDDEN = {"hidden_size", "n_embd", "n_embed", "d_model"};
    static final String[] LAYERS = {"num_hidden_layers", "n_layer", "num_layers", "n_layers"};
    static final String[] HEADS = {"num_attention_heads", "n_head", "n_heads", "num_heads"};
    static final String[] KV_HEADS = {"num_key_value_heads", "num_kv_heads", "n_head_kv"};
    static final String[] POSITIONS = {"max_position_embeddings", "n_positions", "max_seq_len", "seq_length"};

    static DecoderDims read(HfConfig c) {
        int h = c.positive(HIDDEN);
        int a = c.positive(HEADS);
        int kv = c.positiveOr(a, KV_HEADS);
        int hd = c.has("head_dim") ? c.positive("head_dim") : divide(c, h, a);
        return new DecoderDims(h, c.positive(LAYERS), a, kv, hd, c.positive("vocab_size"),
                c.nonNegativeOr(0, POSITIONS));
    }

    /** @return h / a, refusing a hidden size that the heads do not divide */
    static int divide(HfConfig c, int h, int a) {
        if (h % a != 0) {
            throw new BadInputException(c.origin() + ": field 'hidden_size' (" + h + ") must be a multiple of"
                    + " 'num_attention_heads' (" + a + ") unless 'head_dim' is given");
        }
        return h / a;
    }

    long qWidth() {
        return (long) heads * headDim;
    }

    long kvWidth() {
        return (long) kvHeads * headDim;
    }

    /** Copies the dimensions into {@code d}. */
    void fill(ArchitectureDraft d) {
        d.hiddenSize = hidden;
        d.numLayers = layers;
        d.numHeads = heads;
        d.numKvHeads = kvHeads;
        d.headDim = headDim;
        d.vocabSize = vocab;
        d.maxPositions = maxPositions;
    }
}
