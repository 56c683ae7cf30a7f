package dev.gpumem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gpumem bench}: Measures the estimator's speed. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measures the estimator's speed.")
public final class BenchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new UserError(ExitCode.INTERNAL, "gpumem bench is not implemented yet");
    }
}
