package dev.gpumem.model;

import dev.gpumem.input.BadInputException;

/**
 * The widths of DeepSeek-V2/V3's multi-head latent attention (config.json {@code q_lora_rank},
 * {@code kv_lora_rank}, {@code qk_nope_head_dim}, {@code qk_rope_head_dim}, {@code v_head_dim}; transformers
 * models/deepseek_v3/modeling_deepseek_v3.py {@code DeepseekV3Attention}): queries through a rank-{@code qLoraRank}
 * bottleneck ({@code q_a_proj}, {@code q_a_layernorm}, {@code q_b_proj}) or one {@code q_proj} when it is 0, keys and
 * values through one compressed latent of {@code kvLoraRank} plus a single shared RoPE key of {@code qkRopeHeadDim}
 * ({@code kv_a_proj_with_mqa}, {@code kv_a_layernorm}, {@code kv_b_proj}); per head, queries and keys have
 * {@code qkNopeHeadDim + qkRopeHeadDim} dimensions, values {@code vHeadDim}.
 *
 * @param qLoraRank      rank of the query bottleneck, 0 for a plain {@code q_proj}
 * @param kvLoraRank     width of the compressed key/value latent
 * @param qkNopeHeadDim  per-head query/key dimensions without RoPE
 * @param qkRopeHeadDim  per-head query/key dimensions with RoPE (the key's are shared by every head)
 * @param vHeadDim       per-head value dimension
 */
public record LatentAttention(int qLoraRank, int kvLoraRank, int qkNopeHeadDim, int qkRopeHeadDim, int vHeadDim) {
    /** standard attention: no latent widths */
    public static final LatentAttention NONE = new LatentAttention(0, 0, 0, 0, 0);

    public LatentAttention {
        if (qLoraRank < 0 || kvLoraRank < 0 || qkNopeHeadDim < 0 || qkRopeHeadDim < 0 || vHeadDim < 0) {
            throw new BadInputException("latent attention widths must be >= 0: q_lora_rank " + qLoraRank
                    + ", kv_lora_rank " + kvLoraRank + ", qk_nope_head_dim " + qkNopeHeadDim + ", qk_rope_head_dim "
                    + qkRopeHeadDim + ", v_head_dim " + vHeadDim);
        }
    }

    /** @return whether the model has latent attention (the other widths are then set) */
    public boolean enabled() {
        return kvLoraRank > 0;
    }
}
