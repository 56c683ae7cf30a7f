package dev.gpumem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gpumem models}: Lists the shipped model presets. */
@Command(name = "models", mixinStandardHelpOptions = true, description = "Lists the shipped model presets.")
public final class ModelsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new UserError(ExitCode.INTERNAL, "gpumem models is not implemented yet");
    }
}
