package dev.gpumem.report;

import dev.gpumem.model.Architecture;
import dev.gpumem.model.Inventory;
import dev.gpumem.units.ByteFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code gpumem models}: the shipped presets as a table (name, model_type, layers as encoder+decoder where there is an
 * encoder, hidden size, query/KV heads, vocabulary, exact parameter count grouped by thousands); columns padded to
 * their widest cell, the numbers right-aligned.
 */
public final class ModelTableWriter {
    private static final String[] HEADER = {"preset", "model_type", "layers", "hidden", "heads/kv", "vocab", "params"};
    /** the first right-aligned column */
    private static final int FIRST_NUMERIC = 2;

    private ModelTableWriter() {
    }

    /**
     * @param names the preset names, in listing order
     * @param presets the loaded presets, index for index with {@code names}
     * @return the table, each line ended by the platform's line separator
     */
    public static String write(List<String> names, List<Inventory> presets) {
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
                String pad = " ".repeat(width[c] - r[c].length());
                sb.append(c == 0 ? "" : "  ").append(c >= FIRST_NUMERIC ? pad + r[c] : r[c] + pad);
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
