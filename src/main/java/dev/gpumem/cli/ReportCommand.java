package dev.gpumem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gpumem report}: Writes charts and an HTML page for profiles. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Writes charts and an HTML page for profiles.")
public final class ReportCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new UserError(ExitCode.INTERNAL, "gpumem report is not implemented yet");
    }
}
