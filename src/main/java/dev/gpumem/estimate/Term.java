package dev.gpumem.estimate;

import dev.gpumem.units.ByteFormat;
import java.util.Objects;

/**
 * One named addend of a phase's memory: what it is, how it is computed and from what source.
 * The same object computes the bytes and renders the explanation, so the two cannot drift.
 *
 * @param name      dotted name, e.g. {@code attn.scores}
 * @param component what the bytes are for
 * @param source    where the formula comes from
 * @param formula   the formula in symbols, e.g. {@code L·b·a·s·s·2 B}
 * @param values    the same with values plugged in, e.g. {@code 32·1·32·4096·4096·2}
 * @param bytes     the result, bytes
 */
public record Term(String name, Component component, Source source, String formula, String values, long bytes) {
    public Term {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(formula, "formula");
        Objects.requireNonNull(values, "values");
        if (bytes < 0) {
            throw new IllegalArgumentException("term " + name + " has negative bytes " + bytes);
        }
    }

    /** @return {@code name = formula = values = result [source]}, in GiB/MiB (1024-based) */
    public String explain() {
        return name + " = " + formula + " = " + values + " = " + ByteFormat.human(bytes) + "  [" + source.citation() + "]";
    }
}
