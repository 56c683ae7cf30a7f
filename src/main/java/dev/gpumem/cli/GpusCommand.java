package dev.gpumem.cli;

import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.report.GpuTableWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gpumem gpus}: Lists the GPU presets. */
@Command(name = "gpus", mixinStandardHelpOptions = true, description = "Lists the GPU presets (name, NVML total, architecture, source).")
public final class GpusCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print a JSON array instead of the table")
    boolean json;

    @Override
    public Integer call() {
        var presets = GpuPresetsJson.load().all();
        spec.commandLine().getOut().print(json ? GpuPresetsJson.toJson(presets) + "\n" : GpuTableWriter.write(presets));
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code();
    }
}
