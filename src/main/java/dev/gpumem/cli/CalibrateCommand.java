package dev.gpumem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gpumem calibrate}: Fits device-level constants for one GPU model from its profiles. */
@Command(name = "calibrate", mixinStandardHelpOptions = true, description = "Fits device-level constants for one GPU model from its profiles.")
public final class CalibrateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new UserError(ExitCode.INTERNAL, "gpumem calibrate is not implemented yet");
    }
}
