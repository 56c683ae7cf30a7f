package dev.gpumem.cli;

import dev.gpumem.io.ModelsJson;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.hf.ModelLoader;
import dev.gpumem.units.ByteFormat;
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

/** {@code gpumem models}: lists the shipped model presets with their shapes and exact parameter counts. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "Lists the shipped model presets: model_type, layers, hidden size, heads / KV heads, vocabulary"
                + " and exact parameter count. A preset name can be given wherever a model is asked for.")
public final class ModelsCommand implements Callable<Integer> {
    private static final String[] HEADER = {"preset", "model_type", "layers", "hidden", "heads/kv", "vocab", "params"};

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
        for (String name : loader.presets()) {
            presets.add(loader.load(name, Map.of()));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? ModelsJson.toJson(loader.presets(), presets) : table(loader.presets(), presets));
        out.flush();
        return ExitCode.OK.code();
    }

    static String table(List<String> names, List<Inventory> presets) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (int i = 0; i < names.size(); i++) {
            Architecture a = presets.get(i).architecture();
            rows.add(new String[] {names.get(i), a.modelType(), layers(a), String.valueOf(a.hiddenSize()),
                a.numHeads() + "/" + a.numKvHeads(), String.valueOf(a.vocabSize()),
                ByteFormat.grouped(presets.get(i).parameterCount())});
        }
        int[] width = new int[HEADER.length];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                boolean numeric = c >= 2;
                String cell = numeric ? " ".repeat(width[c] - r[c].length()) + r[c]
                        : r[c] + " ".repeat(width[c] - r[c].length());
                sb.append(c == 0 ? "" : "  ").append(cell);
            }
            sb.append(System.lineSeparator());
        }
        return sb.toString();
    }

    /** Encoder-decoder models show "encoder+decoder" blocks. */
    private static String layers(Architecture a) {
        return a.numEncoderLayers() > 0 ? a.numEncoderLayers() + "+" + a.numLayers() : String.valueOf(a.numLayers());
    }
}
