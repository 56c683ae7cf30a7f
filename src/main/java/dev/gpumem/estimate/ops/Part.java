package dev.gpumem.estimate.ops;

import dev.gpumem.model.ParamGroup;
import dev.gpumem.model.TensorSpec;

/** The two halves of a transformer block whose parameters get their gradients at different moments of backward. */
public enum Part {
    /** attention with its norm (and everything of the block that is not MLP) */
    ATTENTION,
    /** MLP or MoE layer with its norm */
    MLP;

    /** @return the part a parameter of {@code group} belongs to */
    public static Part of(ParamGroup group) {
        return switch (group) {
            case MLP, ROUTER, EXPERT -> MLP;
            default -> ATTENTION;
        };
    }

    /**
     * @return the part of a block tensor: by group, except the norm in front of the MLP (HF names
     *         {@code post_attention_layernorm}, {@code pre_feedforward_layernorm}, {@code ln_2}, {@code norm2})
     */
    public static Part of(TensorSpec t) {
        if (t.group() == ParamGroup.NORM) {
            String n = t.name();
            if (n.contains("post_attention_layernorm") || n.contains("pre_feedforward_layernorm")
                    || n.contains(".ln_2.") || n.contains(".norm2.")) {
                return MLP;
            }
        }
        return of(t.group());
    }
}
