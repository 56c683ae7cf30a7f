package dev.gpumem.model.hf;

import dev.gpumem.model.ParamGroup;

/**
 * Writes the parts of a Llama-style block (transformers models/llama/modeling_llama.py naming:
 * {@code self_attn.{q,k,v,o}_proj}, {@code mlp.{gate,up,down}_proj}) that many families share.
 */
final class LlamaBlock {
    private LlamaBlock() {
    }

    /**
     * @param qkvBias biases on q, k and v
     * @param oBias   bias on o
     */
    static void attention(TensorList t, String prefix, int layer, DecoderDims d, boolean qkvBias, boolean oBias) {
        t.linear(prefix + "q_proj", ParamGroup.ATTENTION, layer, d.qWidth(), d.hidden(), qkvBias);
        t.linear(prefix + "k_proj", ParamGroup.ATTENTION, layer, d.kvWidth(), d.hidden(), qkvBias);
        t.linear(prefix + "v_proj", ParamGroup.ATTENTION, layer, d.kvWidth(), d.hidden(), qkvBias);
        t.linear(prefix + "o_proj", ParamGroup.ATTENTION, layer, d.hidden(), d.qWidth(), oBias);
    }

    /** Gated MLP act(gate(x)) * up(x) -> down. */
    static void gatedMlp(TensorList t, String prefix, ParamGroup group, int layer, long hidden, long inner,
                         boolean bias) {
        t.linear(prefix + "gate_proj", group, layer, inner, hidden, bias);
        t.linear(prefix + "up_proj", group, layer, inner, hidden, bias);
        t.linear(prefix + "down_proj", group, layer, hidden, inner, bias);
    }
}
