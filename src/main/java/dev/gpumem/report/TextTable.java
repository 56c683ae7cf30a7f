package dev.gpumem.report;

import dev.gpumem.input.PrintableText;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table with columns padded to their widest cell; numeric-looking cells are right-aligned. */
final class TextTable {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    TextTable(String... header) {
        this.header = header.clone();
    }

    /** Adds a row; cells are escaped ({@link PrintableText}): labels and phase names come from profile files. */
    TextTable add(String... row) {
        String[] r = new String[row.length];
        for (int i = 0; i < row.length; i++) {
            r[i] = PrintableText.escape(row[i]);
        }
        rows.add(r);
        return this;
    }

    boolean isEmpty() {
        return rows.isEmpty();
    }

    String render() {
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            w[i] = header[i].length();
            for (String[] r : rows) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, header, w);
        String[] rule = new String[header.length];
        for (int i = 0; i < header.length; i++) {
            rule[i] = "-".repeat(w[i]);
        }
        line(sb, rule, w);
        for (String[] r : rows) {
            line(sb, r, w);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, String[] cells, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i];
            String pad = " ".repeat(w[i] - c.length());
            boolean numeric = c.matches("[+-]?[0-9.,]+%?");
            l.append(numeric ? pad + c : c + pad);
            if (i < cells.length - 1) {
                l.append("  ");
            }
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }
}
