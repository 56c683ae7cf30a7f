package dev.gpumem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gpumem doctor}: Prints the environment: Java, native libraries, driver, devices. */
@Command(name = "doctor", mixinStandardHelpOptions = true, description = "Prints the environment: Java, native libraries, driver, devices.")
public final class DoctorCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new UserError(ExitCode.INTERNAL, "gpumem doctor is not implemented yet");
    }
}
