package dev.gpumem.estimate.ops;

/**
 * A norm on the attention's queries and keys before RoPE (read from the inventory's tensor names).
 * RMS_PER_HEAD: Qwen3, Qwen3-MoE, Gemma 3 ({@code q_norm}/{@code k_norm} over head_dim); RMS_FULL_WIDTH: OLMo 2
 * (over the whole q and k projections); LAYER_PER_HEAD: Phi with {@code qk_layernorm} ({@code q_layernorm} /
 * {@code k_layernorm}, LayerNorm over head_dim).
 */
public enum QkNorm { NONE, RMS_PER_HEAD, RMS_FULL_WIDTH, LAYER_PER_HEAD }
