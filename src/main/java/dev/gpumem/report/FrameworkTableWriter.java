package dev.gpumem.report;

import dev.gpumem.estimate.Framework;
import dev.gpumem.estimate.Framework.Default;
import dev.gpumem.estimate.Framework.Semantic;

/**
 * {@code gpumem frameworks} and {@code docs/frameworks.md}: the framework x semantic table of defaults, printed from
 * {@link Framework} (the single place they are declared), then each default's source in that framework's code.
 */
public final class FrameworkTableWriter {
    private FrameworkTableWriter() {
    }

    /** @return the Markdown table of defaults and the list of their sources */
    public static String write() {
        StringBuilder sb = new StringBuilder();
        sb.append("| framework |");
        for (Semantic s : Semantic.values()) {
            sb.append(' ').append(s.wire()).append(" |");
        }
        sb.append("\n|---|");
        sb.append("---|".repeat(Semantic.values().length)).append('\n');
        for (Framework f : Framework.table()) {
            sb.append("| ").append(f.wire()).append(" |");
            for (Semantic s : Semantic.values()) {
                sb.append(' ').append(f.defaultOf(s).display()).append(" |");
            }
            sb.append('\n');
        }
        sb.append("\nSources (repository, file, commit) of each default:\n");
        for (Framework f : Framework.table()) {
            sb.append("\n").append(f.wire()).append(": ").append(f.description()).append('\n');
            for (Semantic s : Semantic.values()) {
                Default<?> d = f.defaultOf(s);
                sb.append("- ").append(s.wire()).append(" = ").append(d.display()).append(": ").append(d.source())
                        .append('\n');
            }
        }
        return sb.toString();
    }
}
