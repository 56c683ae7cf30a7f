package dev.gpumem.estimate.ops;

import dev.gpumem.model.ParamGroup;

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
}
