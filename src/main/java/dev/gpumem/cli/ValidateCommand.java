package dev.gpumem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gpumem validate}: Scores the estimator against the published measurements kept in the repo. */
@Command(name = "validate", mixinStandardHelpOptions = true, description = "Scores the estimator against the published measurements kept in the repo.")
public final class ValidateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new UserError(ExitCode.INTERNAL, "gpumem validate is not implemented yet");
    }
}
