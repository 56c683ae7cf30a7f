package dev.gpumem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gpumem compare}: Re-estimates profiles and prints the signed error per phase and level. */
@Command(name = "compare", mixinStandardHelpOptions = true, description = "Re-estimates profiles and prints the signed error per phase and level.")
public final class CompareCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new UserError(ExitCode.INTERNAL, "gpumem compare is not implemented yet");
    }
}
