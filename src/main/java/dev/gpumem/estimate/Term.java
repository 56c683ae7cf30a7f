package dev.gpumem.estimate;

import dev.gpumem.units.ByteFormat;
import java.util.Objects;

/**
 * One named addend of a phase's memory: what it is, how it is computed and from what source.
 * The same object computes the bytes and renders the explanation, so the two cannot drift.
 *
 * <p>Immutable, with value semantics (equal when name, component, source, formula, values and bytes are equal).
 * A term made by {@link #lazy} writes its formula and values only when they are read ({@code --explain}, the JSON
 * terms, equality): most estimates never print them, and building the strings of every term of every phase was a
 * good part of an estimate's time.
 */
public final class Term {
    /** Writes a term's formula and values on demand; called at most once per string read, from any thread. */
    public interface Explanation {
        /** @return the formula in symbols, e.g. {@code L·b·a·s·s·2 B} */
        String formula();

        /** @return the same with values plugged in, e.g. {@code 32·1·32·4096·4096·2} */
        String values();
    }

    private final String name;
    private final Component component;
    private final Source source;
    private final long bytes;
    private final Explanation explanation;
    // written once from the explanation; a race writes equal strings (String is safely published)
    private String formula;
    private String values;

    /**
     * @param name      dotted name, e.g. {@code attn.scores}
     * @param component what the bytes are for
     * @param source    where the formula comes from
     * @param formula   the formula in symbols, e.g. {@code L·b·a·s·s·2 B}
     * @param values    the same with values plugged in, e.g. {@code 32·1·32·4096·4096·2}
     * @param bytes     the result, bytes
     */
    public Term(String name, Component component, Source source, String formula, String values, long bytes) {
        this(name, component, source, null, bytes);
        this.formula = Objects.requireNonNull(formula, "formula");
        this.values = Objects.requireNonNull(values, "values");
    }

    private Term(String name, Component component, Source source, Explanation explanation, long bytes) {
        this.name = Objects.requireNonNull(name, "name");
        this.component = Objects.requireNonNull(component, "component");
        this.source = Objects.requireNonNull(source, "source");
        this.explanation = explanation;
        this.bytes = bytes;
        if (bytes < 0) {
            throw new IllegalArgumentException("term " + name + " has negative bytes " + bytes);
        }
    }

    /** A term whose formula and values are written by {@code explanation} when first read (neither may be null). */
    public static Term lazy(String name, Component component, Source source, long bytes, Explanation explanation) {
        return new Term(name, component, source, Objects.requireNonNull(explanation, "explanation"), bytes);
    }

    /** @return dotted name, e.g. {@code attn.scores} */
    public String name() {
        return name;
    }

    /** @return what the bytes are for */
    public Component component() {
        return component;
    }

    /** @return where the formula comes from */
    public Source source() {
        return source;
    }

    /** @return the formula in symbols, e.g. {@code L·b·a·s·s·2 B} */
    public String formula() {
        String f = formula;
        if (f == null) {
            f = Objects.requireNonNull(explanation.formula(), "formula");
            formula = f;
        }
        return f;
    }

    /** @return the same with values plugged in, e.g. {@code 32·1·32·4096·4096·2} */
    public String values() {
        String v = values;
        if (v == null) {
            v = Objects.requireNonNull(explanation.values(), "values");
            values = v;
        }
        return v;
    }

    /** @return the result, bytes */
    public long bytes() {
        return bytes;
    }

    /** @return {@code name = formula = values = result [source]}, in GiB/MiB (1024-based) */
    public String explain() {
        return name + " = " + formula() + " = " + values() + " = " + ByteFormat.human(bytes) + "  [" + source.citation() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Term t && bytes == t.bytes && name.equals(t.name)
                && component == t.component && source.equals(t.source) && formula().equals(t.formula())
                && values().equals(t.values());
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, component, source, formula(), values(), bytes);
    }

    @Override
    public String toString() {
        return "Term[name=" + name + ", component=" + component + ", source=" + source + ", formula=" + formula()
                + ", values=" + values() + ", bytes=" + bytes + "]";
    }
}
