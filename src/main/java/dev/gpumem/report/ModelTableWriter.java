package dev.gpumem.report;

import dev.gpumem.model.Architecture;
import dev.gpumem.model.Inventory;
import dev.gpumem.units.ByteFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code gpumem models}: the shipped presets as a table (name, model_type, layers as encoder+decoder where there is an
 * encoder, hidden size, query/KV heads, vocabulary, exact parameter count grouped by thousands); columns padded to
 * their widest cell, the numbers right-aligned, then the Hugging Face Hub ids that name the preset ({@code -} when
 * none).
 */
public final class ModelTableWriter {
    private static final String[] HEADER = {"preset", "model_type", "layers", "hidden", "heads/kv", "vocab", "params",
        "hub aliases"};
    /** the first right-aligned column */
    private static final int FIRST_NUMERIC = 2;
    /** the last right-aligned column (the aliases after it are text) */
    private static final int LAST_NUMERIC = 6;

    private ModelTableWriter() {
    }

    /**
     * @param names the preset names, in listing order
     * @param presets the loaded presets, index for index with {@code names}
     * @param aliases each preset's Hugging Face Hub aliases, index for index with {@code names} (may be empty)
     * @return the table, each line ended by the platform's line separator
     */
    public static String write(List<String> names, List<Inventory> presets, List<List<String>> aliases) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (int i = 0; i < names.size(); i++) {
            Architecture a = presets.get(i).architecture();
            rows.add(new String[] {names.get(i), a.modelType(), layers(a), String.valueOf(a.hiddenSize()),
                a.numHeads() + "/" + a.numKvHeads(), String.valueOf(a.vocabSize()),
                ByteFormat.grouped(presets.get(i).parameterCount()),
                aliases.get(i).isEmpty() ? "-" : String.join(", ", aliases.get(i))});
        }
        int[] width = new int[HEADER.length];
        for (String[] r : rows) {
            for (int c = 0; c < r.length; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < r.length; c++) {
                String pad = " ".repeat(width[c] - r[c].length());
                boolean numeric = c >= FIRST_NUMERIC && c <= LAST_NUMERIC;
                line.append(c == 0 ? "" : "  ").append(numeric ? pad + r[c] : r[c] + pad);
            }
            sb.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return sb.toString();
    }

    /** Encoder-decoder models show "encoder+decoder" blocks. */
    private static String layers(Architecture a) {
        return a.numEncoderLayers() > 0 ? a.numEncoderLayers() + "+" + a.numLayers() : String.valueOf(a.numLayers());
    }
}
