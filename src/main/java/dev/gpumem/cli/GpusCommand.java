package dev.gpumem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gpumem gpus}: Lists the GPU presets. */
@Command(name = "gpus", mixinStandardHelpOptions = true, description = "Lists the GPU presets.")
public final class GpusCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new UserError(ExitCode.INTERNAL, "gpumem gpus is not implemented yet");
    }
}
