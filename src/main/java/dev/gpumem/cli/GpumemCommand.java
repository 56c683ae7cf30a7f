package dev.gpumem.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command: lists the verbs ({@link Main#commandLine} adds them as subcommands). */
@Command(name = "gpumem", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Predicts GPU memory per phase and level for a training or inference run, and measures it.")
public final class GpumemCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
