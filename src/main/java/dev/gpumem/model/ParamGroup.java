package dev.gpumem.model;

/** What a tensor belongs to. Decides LoRA targeting, quantization, sharding and the report's grouping. */
public enum ParamGroup {
    /** token (and learned position / token-type) embeddings */
    EMBEDDING,
    /** q, k, v, o projections and their biases */
    ATTENTION,
    /** MLP projections (gate/up/down or fc1/fc2) and biases, dense layers */
    MLP,
    /** MoE router / gate */
    ROUTER,
    /** MoE expert projections (each expert's gate/up/down) */
    EXPERT,
    /** LayerNorm / RMSNorm weights and biases */
    NORM,
    /** untied output projection to the vocabulary */
    LM_HEAD,
    /** task heads: pooler, classifier, masked-LM transform */
    TASK_HEAD,
    /** LoRA A/B adapters added for fine-tuning */
    LORA,
    /** quantization constants kept beside quantized weights (absmax, scales, zeros, g_idx) */
    QUANT_STATE,
    /** non-parameter buffers (e.g. RoPE inv_freq); not trained, not in the parameter count */
    BUFFER,
    /** anything else */
    OTHER
}
