package dev.gpumem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gpumem fit}: Finds the largest micro-batch (or sequence length) that fits a GPU. */
@Command(name = "fit", mixinStandardHelpOptions = true, description = "Finds the largest micro-batch (or sequence length) that fits a GPU.")
public final class FitCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new UserError(ExitCode.INTERNAL, "gpumem fit is not implemented yet");
    }
}
