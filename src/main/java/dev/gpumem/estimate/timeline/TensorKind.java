package dev.gpumem.estimate.timeline;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.alloc.PytorchCachingAllocator;
import dev.gpumem.units.DType;
import java.util.Objects;

/**
 * One kind of tensor in a timeline (for example "the SiLU input of a decoder block"): a name, what it is for,
 * where its formula comes from, and the bytes of one such tensor. Every allocation in a {@link Timeline} names a
 * kind; the live tensors of a kind at a peak become one explained term.
 *
 * @param name      dotted name, e.g. {@code act.mlp.gate_out}
 * @param component what the bytes are for
 * @param source    the formula's source
 * @param formula   one tensor in symbols, e.g. {@code b·s·i·2 B}
 * @param values    the same with values, e.g. {@code 1·4096·14336·2}
 * @param bytes     bytes of one tensor as requested (before allocator rounding)
 */
public record TensorKind(String name, Component component, Source source, String formula, String values,
                         long bytes) {
    public TensorKind {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(component, "component");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(formula, "formula");
        Objects.requireNonNull(values, "values");
        if (bytes <= 0) {
            throw new IllegalArgumentException("tensor kind " + name + " has " + bytes + " bytes");
        }
    }

    /** A tensor of the given dtype and named dimensions: formula {@code b·s·h·2 B}, values {@code 4·512·1024·2}. */
    public static TensorKind of(String name, Component component, Source source, DType dtype, Dim... dims) {
        StringBuilder f = new StringBuilder();
        StringBuilder v = new StringBuilder();
        long n = 1;
        for (Dim d : dims) {
            f.append(d.symbol()).append('·');
            v.append(d.value()).append('·');
            n = Math.multiplyExact(n, d.value());
        }
        String size = bytesPerElement(dtype);
        f.append(size).append(" B");
        v.append(size);
        return new TensorKind(name, component, source, f.toString(), v.toString(), dtype.bytes(n));
    }

    /** A tensor of {@code elements} elements, described by a free-form formula and values (without the dtype). */
    public static TensorKind ofElements(String name, Component component, Source source, DType dtype,
                                        String formula, String values, long elements) {
        String size = bytesPerElement(dtype);
        return new TensorKind(name, component, source, formula + "·" + size + " B", values + "·" + size,
                dtype.bytes(elements));
    }

    /** @return bytes of one block in the caching allocator: rounded up to 512 B (c10 {@code round_size}) */
    public long blockBytes() {
        return PytorchCachingAllocator.roundSize(bytes);
    }

    private static String bytesPerElement(DType dtype) {
        int bits = dtype.bits();
        return bits % 8 == 0 ? Integer.toString(bits / 8) : Double.toString(bits / 8.0);
    }
}
