package dev.gpumem.estimate.ops;

import dev.gpumem.estimate.RunConfig.SequenceParallel;
import dev.gpumem.estimate.timeline.Dim;
import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture;
import java.util.List;

/**
 * The named dimensions of one rank's share of a block, bound once so that every formula prints the same symbols.
 * Notation (Korthikanti et al. 2022, §3): b micro-batch, s sequence, h hidden, a attention heads, kv key/value
 * heads, d head dimension (of queries and keys), dv the values' head dimension (d, except DeepSeek's latent attention:
 * v_head_dim), i MLP inner size, v vocabulary; E experts, k experts per token, ie expert inner size,
 * is shared-expert inner size. With tensor parallelism t the split dimensions (a, kv, i, ie, is, v) are per rank and
 * print as {@code a/t}. {@code keys} is the number of positions attended to: s in training and prefill, the
 * context (ctx) when decoding one token against a KV cache. {@code st} is the sequence of the tensors outside the
 * tensor-parallel region (block input and output, norms, residual adds and dropouts): s, or s/t under sequence
 * parallelism (Korthikanti et al. 2022, §4.2.2), where each rank holds s/t of the tokens there. Under context
 * parallelism cp (ring attention) every tensor holds the rank's s/cp tokens (s prints as {@code s/cp}, keys too:
 * the ring attends to one s/cp chunk of keys at a time); {@code cp} is that degree.
 */
public record Dims(Dim b, Dim s, Dim h, Dim a, Dim kv, Dim d, Dim dv, Dim i, Dim v, Dim experts, Dim topK, Dim iExpert,
                   Dim iShared, Dim one, Dim keys, Dim st, Dim cp, List<Dim> routed, Dim ep) {

    /** {@code routed} null: the dropless b·s·k rows. */
    public Dims {
        routed = routed == null ? List.of(b, s, topK) : List.copyOf(routed);
    }

    /**
     * The same dimensions with expert parallelism: {@code routed} is the rows an MoE layer runs through its local
     * experts ({b, s, k} dropless: with balanced routing each rank receives as many rows as it sends; {E·cap} with
     * a capacity factor, every expert padded to cap = ⌈factor·b·s·k/E⌉ rows, Megatron moe_utils get_capacity with
     * --moe-pad-expert-input-to-capacity); {@code ep} the expert-parallel degree (all-to-all buffers when &gt; 1).
     */
    public Dims withExperts(int epDegree, java.util.OptionalDouble capacityFactor) {
        List<Dim> rows = routed;
        if (capacityFactor.isPresent()) {
            long tokens = b.value() * s.value() * topK.value();
            long cap = (long) Math.ceil(capacityFactor.getAsDouble() * tokens / experts.value());
            rows = List.of(new Dim("E·cap", experts.value() * cap));
        }
        return new Dims(b, s, h, a, kv, d, dv, i, v, experts, topK, iExpert, iShared, one, keys, st, cp, rows,
                new Dim("ep", epDegree));
    }

    /** @return the routed rows' dimensions, for a tensor of routed rows × {@code width} */
    public Dim[] rows(Dim... width) {
        Dim[] out = routed.toArray(new Dim[routed.size() + width.length]);
        System.arraycopy(width, 0, out, routed.size(), width.length);
        return out;
    }

    /** @return whether expert parallelism dispatches tokens with all-to-all */
    public boolean expertParallel() {
        return ep.value() > 1;
    }

    /**
     * @param arch  the model
     * @param batch micro-batch b
     * @param seq   sequence s
     * @param tp    tensor-parallel degree t (heads, kv heads, inner sizes and vocabulary must divide by t)
     */
    public static Dims of(Architecture arch, long batch, long seq, int tp) {
        return of(arch, batch, seq, tp, SequenceParallel.OFF);
    }

    /**
     * @param sp ON: the tensors outside the tensor-parallel region hold s/t tokens per rank (seq must divide by t)
     * @throws BadInputException naming parallel.sequence_parallel when seq does not divide by t
     */
    public static Dims of(Architecture arch, long batch, long seq, int tp, SequenceParallel sp) {
        return of(arch, batch, seq, tp, sp, 1);
    }

    /**
     * @param cp context-parallel degree: every tensor holds s/cp tokens; seq must divide by 2·cp (the load-balanced
     *           ring's 2·cp chunks; torchtitan asserts {@code seq_len % (tp · 2·cp) == 0}, parallelize.py @018740b
     *           parallelize_llama, seq_len_divisor)
     * @throws BadInputException naming parallel.context or parallel.sequence_parallel when seq does not divide
     */
    public static Dims of(Architecture arch, long batch, long seq, int tp, SequenceParallel sp, int cp) {
        String t = tp > 1 ? "/t" : "";
        if (cp > 1 && seq % (2L * cp) != 0) {
            throw new BadInputException("parallel.context: seq (" + seq + ") must divide by 2 x context (" + 2 * cp
                    + "): the load-balanced ring splits the sequence into 2 x cp chunks");
        }
        long local = seq / cp;
        String sym = cp > 1 ? "s/cp" : "s";
        Dim outside = new Dim(sym, local);
        if (sp == SequenceParallel.ON && tp > 1) {
            if (local % tp != 0) {
                throw new BadInputException("parallel.sequence_parallel: seq (" + seq + ") must divide by "
                        + (cp > 1 ? "context x tensor (" + (long) cp * tp : "parallel.tensor (" + tp) + ")");
            }
            outside = new Dim(cp > 1 ? "s/(cp·t)" : "s/t", local / tp);
        }
        Architecture.Moe moe = arch.moe();
        return new Dims(
                new Dim("b", batch),
                new Dim(sym, local),
                new Dim("h", arch.hiddenSize()),
                new Dim("a" + t, arch.numHeads() / tp),
                new Dim("kv" + t, Math.max(1, arch.numKvHeads() / tp)),
                new Dim("d", arch.headDim()),
                arch.latentAttention().enabled() ? new Dim("dv", arch.latentAttention().vHeadDim())
                        : new Dim("d", arch.headDim()),
                new Dim("i" + t, Math.max(1, arch.intermediateSize() / tp)),
                new Dim("v" + t, ceilDiv(arch.vocabSize(), tp)),
                new Dim("E", Math.max(1, moe.numExperts())),
                new Dim("k", Math.max(1, moe.topK())),
                new Dim("ie" + t, Math.max(1, moe.expertIntermediateSize() / tp)),
                new Dim("is" + t, Math.max(1, moe.sharedExpertIntermediateSize() / tp)),
                new Dim("1", 1),
                new Dim(sym, local),
                outside,
                new Dim("cp", cp),
                null,
                new Dim("ep", 1));
    }

    /** @return whether sequence parallelism splits the tensors outside the tensor-parallel region (st = s/t) */
    public boolean sequenceSplit() {
        return st.value() != s.value();
    }

    /** @return whether context parallelism runs attention as a ring over cp ranks */
    public boolean ring() {
        return cp.value() > 1;
    }

    /** Decoding: one new token per sequence attending to {@code context} positions. */
    public Dims decode(long context) {
        return new Dims(b, new Dim("1", 1), h, a, kv, d, dv, i, v, experts, topK, iExpert, iShared, one,
                new Dim("ctx", context), new Dim("1", 1), cp, List.of(b, new Dim("1", 1), topK), ep);
    }

    private static long ceilDiv(long x, long y) {
        return (x + y - 1) / y;
    }
}
