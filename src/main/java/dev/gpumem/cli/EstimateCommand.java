package dev.gpumem.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code gpumem estimate}: Predicts memory per phase and level for one request (flags) or many (--input FILE.jsonl). */
@Command(name = "estimate", mixinStandardHelpOptions = true, description = "Predicts memory per phase and level for one request (flags) or many (--input FILE.jsonl).")
public final class EstimateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new UserError(ExitCode.INTERNAL, "gpumem estimate is not implemented yet");
    }
}
