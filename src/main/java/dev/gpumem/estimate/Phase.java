package dev.gpumem.estimate;

/** The moments of a run whose memory is predicted and measured, in timeline order. */
public enum Phase implements WireEnum {
    /** weights (and, from the second step on, optimizer states) resident, nothing else */
    LOAD("load"),
    /** forward pass: activations kept for backward accumulate layer by layer */
    FORWARD("forward"),
    /**
     * LM head logits, fp32 upcast and the cross-entropy forward: what exists when {@code loss.backward()} is
     * called (the gradient of the logits is computed inside backward and belongs to {@link #BACKWARD})
     */
    LOSS("loss"),
    /**
     * backward, from the {@code loss.backward()} call: the loss's and the logits' gradients, then activations
     * released layer by layer while parameter gradients appear
     */
    BACKWARD("backward"),
    /** optimizer step: states created on the first step, multi-tensor temporaries */
    OPTIMIZER_STEP("optimizer_step"),
    /** a second full training step, with optimizer states already resident (the steady state) */
    SECOND_STEP("second_step"),
    /** inference: prompt processing, KV cache filled */
    PREFILL("prefill"),
    /** inference: one token generated per sequence against a full KV cache */
    DECODE("decode");

    private final String wire;

    Phase(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    public static Phase parse(String value) {
        return WireEnum.parse(Phase.class, "phase", value);
    }
}
