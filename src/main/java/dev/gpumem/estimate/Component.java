package dev.gpumem.estimate;

/** What a byte is for. Wire names are the keys of a result phase's "components" object. */
public enum Component implements WireEnum {
    WEIGHTS("weights"),
    GRADIENTS("gradients"),
    OPTIMIZER_STATES("optimizer_states"),
    MASTER_WEIGHTS("master_weights"),
    ACTIVATIONS("activations"),
    LOGITS("logits"),
    /** short-lived buffers: matmul outputs before the next op, foreach-optimizer temporaries, gathered shards */
    TEMPORARY("temporary"),
    KV_CACHE("kv_cache"),
    /** library workspaces allocated through the caching allocator (cuBLAS/cuBLASLt) */
    WORKSPACE("workspace"),
    /** CUDA context and other memory outside the caching allocator (device level only) */
    CONTEXT("context"),
    /** reserved minus allocated: segment rounding and cached free blocks (reserved level only) */
    ALLOCATOR_SLACK("allocator_slack");

    private final String wire;

    Component(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }
}
