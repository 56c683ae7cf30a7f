package dev.gpumem.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root command: lists the verbs. */
@Command(name = "gpumem", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Predicts GPU memory per phase and level for a training or inference run, and measures it.",
        subcommands = {
            EstimateCommand.class, FitCommand.class, SuggestCommand.class, ModelsCommand.class, GpusCommand.class, FrameworksCommand.class,
            MeasureCommand.class, CompareCommand.class, CalibrateCommand.class, ReportCommand.class,
            ValidateCommand.class, DoctorCommand.class, BenchCommand.class, FileResultsCommand.class})
public final class GpumemCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
