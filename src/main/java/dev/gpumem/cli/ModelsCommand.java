package dev.gpumem.cli;

import dev.gpumem.io.ModelsJson;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import dev.gpumem.report.ModelTableWriter;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gpumem models}: lists the shipped model presets with their shapes, exact parameter counts and Hub-id aliases. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Lists the shipped model presets: model_type, layers, hidden size, heads / KV heads, vocabulary,"
                + " exact parameter count and the Hugging Face Hub ids (aliases) that name it. A preset name or an"
                + " alias can be given wherever a model is asked for.")
public final class ModelsCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print one JSON array of presets instead of the table")
    boolean json;

    @Override
    public Integer call() {
        ModelLoader loader = new ModelLoader();
        List<Inventory> presets = new ArrayList<>();
        List<List<String>> aliases = new ArrayList<>();
        for (String name : loader.presets()) {
            presets.add(loader.load(name, Map.of()));
            aliases.add(loader.aliases(name));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? ModelsJson.toJson(loader.presets(), presets, aliases)
                : ModelTableWriter.write(loader.presets(), presets, aliases));
        out.flush();
        return ExitCode.OK.code();
    }
}
