package dev.gpumem.cli;

import dev.gpumem.report.FrameworkTableWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code gpumem frameworks}: the frameworks a request can name and the default each sets for every semantic. */
@Command(name = "frameworks", mixinStandardHelpOptions = true,
        description = "Lists the frameworks a request can name (field framework, --framework) and the default each "
            + "sets for every semantic, with the source of that default in the framework's code.")
public final class FrameworksCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(FrameworkTableWriter.write());
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code();
    }
}
