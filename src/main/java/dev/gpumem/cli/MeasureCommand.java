package dev.gpumem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gpumem measure}: Runs a workload on the device (or CPU) and records a memory profile. */
@Command(name = "measure", mixinStandardHelpOptions = true, description = "Runs a workload on the device (or CPU) and records a memory profile.")
public final class MeasureCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new UserError(ExitCode.INTERNAL, "gpumem measure is not implemented yet");
    }
}
