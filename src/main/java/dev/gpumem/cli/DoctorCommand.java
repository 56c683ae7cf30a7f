package dev.gpumem.cli;

import dev.gpumem.measure.run.Diagnostics;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code gpumem doctor}: Prints the environment: Java, native libraries, driver, devices. Always exits 0: it
 * reports what is missing rather than failing on it. Secret-looking environment values are masked.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Prints the environment: Java, native libraries, driver, devices.")
public final class DoctorCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("gpumem " + VersionProvider.version() + " (commit " + ToolInfo.gitCommit() + ")");
        List<Diagnostics.Fact> facts = Diagnostics.collect();
        String section = null;
        for (Diagnostics.Fact f : facts) {
            if (!f.section().equals(section)) {
                section = f.section();
                out.println(section + ":");
            }
            out.println("  " + f.key() + ": " + f.value());
        }
        out.flush();
        return ExitCode.OK.code();
    }
}
