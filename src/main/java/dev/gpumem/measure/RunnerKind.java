package dev.gpumem.measure;

import dev.gpumem.estimate.WireEnum;

/**
 * The closed set of runners. The CLI's factory switches over it; adding a backend means a member here and a case
 * there (the DJL runner registers as {@link #DJL}).
 */
public enum RunnerKind implements WireEnum {
    /** the estimator's allocation plan, one cudaMalloc per tensor (host twin: one native allocation per tensor) */
    REPLAY("replay"),
    /** the same plan through the Java model of PyTorch's caching allocator, segments from cudaMalloc */
    REPLAY_CCA("replay-cca"),
    /** an in-process DJL PyTorch training step */
    DJL("djl"),
    /** a child process: {@code gpumem measure -- COMMAND...} */
    EXTERNAL("external");

    private final String wire;

    RunnerKind(String wire) {
        this.wire = wire;
    }

    @Override
    public String wire() {
        return wire;
    }

    public static RunnerKind parse(String value) {
        return WireEnum.parse(RunnerKind.class, "backend", value);
    }
}
