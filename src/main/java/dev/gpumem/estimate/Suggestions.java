package dev.gpumem.estimate;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.FinetuneMethod;
import dev.gpumem.estimate.RunConfig.Inference;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.RunConfig.RunOption;
import dev.gpumem.estimate.RunConfig.Task;
import dev.gpumem.input.BadInputException;
import dev.gpumem.units.DType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * What would make a request fit its GPU: every single change from a fixed list of the usual memory levers
 * (checkpointing, sdpa, chunked loss, fused or 8-bit optimizers, optimizer in backward, activation offloading,
 * half the micro-batch with twice the accumulation, LoRA, pure bf16; ZeRO stages and DDP bucket views for
 * data-parallel requests; for inference an fp8 KV cache and 4-bit weights), each estimated, and a greedy
 * combination: apply the change with the lowest peak, repeat until the request fits.
 * Every number is a full estimate of the changed request; nothing is scaled or guessed.
 */
public final class Suggestions {
    /** most changes combined before the search gives up */
    public static final int MAX_STEPS = 4;

    private Suggestions() {
    }

    /**
     * One lever.
     *
     * @param label what changes, in request terms (e.g. {@code checkpointing full})
     * @param cost  what it costs besides memory, one phrase
     */
    public record Change(String label, String cost, UnaryOperator<RunConfig> apply) {
        public Change {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(cost, "cost");
            Objects.requireNonNull(apply, "apply");
        }
    }

    /**
     * A request with some changes applied, and its estimate.
     *
     * @param changes the labels applied, in order (empty: the request as given)
     */
    public record Tried(List<String> changes, List<String> costs, Estimate estimate) {
        public Tried {
            changes = List.copyOf(changes);
            costs = List.copyOf(costs);
            Objects.requireNonNull(estimate, "estimate");
        }

        /** @return the peak device bytes over the phases */
        public long peakDevice() {
            return estimate.peak(Level.DEVICE).device();
        }

        public boolean fits() {
            return estimate.fit() != null && estimate.fit().fits();
        }
    }

    /**
     * @param request  the request as given
     * @param single   each applicable single change, lowest peak first
     * @param combined the greedy combination: the first that fits, or the last tried when none did (null when no
     *                 change lowers the peak)
     */
    public record Result(Tried request, List<Tried> single, Tried combined) {
        public Result {
            single = List.copyOf(single);
        }
    }

    /** @return the levers that change {@code c} (a lever already in effect is left out) */
    public static List<Change> candidates(RunConfig c) {
        List<Change> out = new ArrayList<>();
        if (c.task() == Task.INFERENCE) {
            DType kv = c.inference().kvCacheDtype();
            if (kv.bits() > 8) {
                out.add(new Change("inference.kv_cache_dtype fp8", "KV-cache precision",
                        r -> with(r, b -> b.inference = new Inference(r.inference().batch(),
                                r.inference().contextTokens(), DType.FP8))));
            }
            if (!quantized(c)) {
                out.add(new Change("4-bit weights (bitsandbytes nf4)", "weight precision",
                        r -> withOverride(r, "quantization_config", Map.of("quant_method", "bitsandbytes",
                                "load_in_4bit", true, "bnb_4bit_quant_type", "nf4"))));
            }
            return out;
        }
        if (c.checkpointing() != Checkpointing.FULL) {
            out.add(new Change("checkpointing full", "one extra forward per step",
                    r -> with(r, b -> b.checkpointing = Checkpointing.FULL)));
        }
        if (c.checkpointing() == Checkpointing.NONE && c.attention() == AttentionKernel.EAGER) {
            out.add(new Change("checkpointing selective", "the attention core recomputed",
                    r -> with(r, b -> b.checkpointing = Checkpointing.SELECTIVE)));
        }
        if (c.attention() == AttentionKernel.EAGER) {
            out.add(new Change("attention sdpa", "none (flash / memory-efficient kernels)",
                    r -> with(r, b -> b.attention = AttentionKernel.SDPA)));
        }
        addOption(out, c, RunOption.CHUNKED_LOSS, "option chunked_loss", "a chunked cross-entropy");
        boolean fusable = c.optimizer() == Optimizer.ADAM || c.optimizer() == Optimizer.ADAMW
                || c.optimizer() == Optimizer.SGD || c.optimizer() == Optimizer.SGD_MOMENTUM;
        if (fusable && !c.options().contains(RunOption.OPTIMIZER_IN_BACKWARD)) {
            addOption(out, c, RunOption.FUSED_OPTIMIZER, "option fused_optimizer", "none (torch.optim fused=True)");
        }
        if (c.optimizer() == Optimizer.ADAM || c.optimizer() == Optimizer.ADAMW) {
            out.add(new Change("optimizer adamw-8bit", "8-bit optimizer states (bitsandbytes)",
                    r -> with(r, b -> b.optimizer = Optimizer.ADAMW_8BIT)));
        }
        if (c.gradAccum() == 1 && c.optimizer() != Optimizer.NONE) {
            addOption(out, c, RunOption.OPTIMIZER_IN_BACKWARD, "option optimizer_in_backward",
                    "no gradient accumulation");
        }
        addOption(out, c, RunOption.ACTIVATION_OFFLOADING, "option activation_offloading",
                "host transfers of saved activations");
        if (c.batch() % 2 == 0) {
            out.add(new Change("batch " + c.batch() / 2 + " × grad_accum " + 2 * c.gradAccum(),
                    "same effective batch, twice the micro-steps",
                    r -> with(r, b -> {
                        b.batch = r.batch() / 2;
                        b.gradAccum = r.gradAccum() * 2;
                    })));
        }
        if (c.finetune().method() == FinetuneMethod.FULL) {
            out.add(new Change("finetune lora (rank 8, q_proj + v_proj)", "trains adapters only",
                    r -> with(r, b -> b.finetune = new Finetune(FinetuneMethod.LORA, 8, 16,
                            List.of("q_proj", "v_proj"), null))));
        }
        RunConfig.Parallel p = c.parallel();
        if (p.data() > 1 && p.tensor() == 1 && p.pipeline() == 1) {
            if (p.zero() == 0) {
                addOption(out, c, RunOption.DDP_BUCKET_VIEW, "option ddp_bucket_view",
                        "none (DDP gradient_as_bucket_view=True)");
            }
            for (int z = p.zero() + 1; z <= 3; z++) {
                int zero = z;
                out.add(new Change("parallel.zero " + z + " over " + p.data() + " ranks", zero == 3
                        ? "parameters all-gathered per block (FSDP full shard / ZeRO-3)"
                        : "optimizer states" + (zero == 2 ? " and gradients" : "") + " sharded",
                        r -> with(r, b -> b.parallel = new RunConfig.Parallel(r.parallel().data(), zero, 1, 1))));
            }
        }
        if (c.precision() == Precision.AMP_BF16 || c.precision() == Precision.FP32) {
            out.add(new Change("precision bf16", "pure bf16 weights, gradients and states",
                    r -> with(r, b -> b.precision = Precision.BF16)));
        }
        return out;
    }

    /**
     * Estimates every single change, then the greedy combination.
     *
     * @param estimator the estimate of a request (a request it rejects is skipped); called from several threads at
     *                  once (the changes of one round are estimated in parallel, the choices made in their order)
     */
    public static Result search(RunConfig request, Function<RunConfig, Estimate> estimator) {
        if (request.gpu() == null) {
            throw new BadInputException("gpu: required, the card the request has to fit");
        }
        Tried start = new Tried(List.of(), List.of(), estimator.apply(request));
        List<Tried> single = new ArrayList<>();
        List<Change> changes = candidates(request);
        List<Estimate> estimates = estimateAll(estimator, changes.stream().map(ch -> ch.apply().apply(request)).toList());
        for (int i = 0; i < changes.size(); i++) {
            Change ch = changes.get(i);
            Estimate e = estimates.get(i);
            if (e != null) {
                single.add(new Tried(List.of(ch.label()), List.of(ch.cost()), e));
            }
        }
        single.sort(Comparator.comparingLong(Tried::peakDevice));
        Tried combined = start.fits() ? null : combine(request, start, estimator);
        return new Result(start, single, combined);
    }

    private static Tried combine(RunConfig request, Tried start, Function<RunConfig, Estimate> estimator) {
        RunConfig current = request;
        Tried best = start;
        for (int step = 0; step < MAX_STEPS && !best.fits(); step++) {
            Tried next = null;
            RunConfig nextConfig = null;
            List<Change> changes = candidates(current);
            RunConfig from = current;
            List<RunConfig> configs = changes.stream().map(ch -> ch.apply().apply(from)).toList();
            List<Estimate> estimates = estimateAll(estimator, configs);
            for (int i = 0; i < changes.size(); i++) {
                Change ch = changes.get(i);
                RunConfig changed = configs.get(i);
                Estimate e = estimates.get(i);
                if (e != null && (next == null || e.peak(Level.DEVICE).device() < next.peakDevice())) {
                    List<String> labels = new ArrayList<>(best.changes());
                    List<String> costs = new ArrayList<>(best.costs());
                    int last = labels.size() - 1;
                    if (last >= 0 && lever(labels.get(last)).equals(lever(ch.label()))) {
                        labels.remove(last);  // the same lever again (batch halved twice, a later ZeRO stage):
                        costs.remove(last);   // the request says the final setting once
                    }
                    labels.add(ch.label());
                    costs.add(ch.cost());
                    next = new Tried(labels, costs, e);
                    nextConfig = changed;
                }
            }
            if (next == null || next.peakDevice() >= best.peakDevice()) {
                break;
            }
            best = next;
            current = nextConfig;
        }
        return best == start ? null : best;
    }

    /** @return what a change sets: its first word (batch, checkpointing, parallel.zero, ...), or all of an option */
    private static String lever(String label) {
        int space = label.indexOf(' ');
        String first = space < 0 ? label : label.substring(0, space);
        return first.equals("option") ? label : first;
    }

    /**
     * @return the estimates of {@code configs}, in their order, computed in parallel (the estimator must be
     *         thread-safe); null where the estimator rejects a request
     */
    private static List<Estimate> estimateAll(Function<RunConfig, Estimate> estimator, List<RunConfig> configs) {
        return configs.parallelStream().map(c -> tryEstimate(estimator, c)).toList();   // toList keeps nulls
    }

    private static Estimate tryEstimate(Function<RunConfig, Estimate> estimator, RunConfig c) {
        try {
            return estimator.apply(c);
        } catch (BadInputException rejected) {
            return null;                 // e.g. LoRA targets the model does not have
        }
    }

    private static void addOption(List<Change> out, RunConfig c, RunOption o, String label, String cost) {
        if (!c.options().contains(o)) {
            out.add(new Change(label, cost, r -> with(r, b -> {
                Set<RunOption> s = r.options().isEmpty() ? EnumSet.noneOf(RunOption.class)
                        : EnumSet.copyOf(r.options());
                s.add(o);
                b.options = s;
            })));
        }
    }

    private static boolean quantized(RunConfig c) {
        return c.modelOverrides().containsKey("quantization_config");
    }

    private static RunConfig withOverride(RunConfig r, String key, Object value) {
        Map<String, Object> o = new HashMap<>(r.modelOverrides());
        o.put(key, value);
        return r.withModelOverrides(o);
    }

    /** The request's fields as mutable locals, for one change. */
    private static final class Fields {
        Precision precision;
        Optimizer optimizer;
        int batch;
        int gradAccum;
        Checkpointing checkpointing;
        AttentionKernel attention;
        Finetune finetune;
        Set<RunOption> options;
        Inference inference;
        RunConfig.Parallel parallel;
    }

    private static RunConfig with(RunConfig r, java.util.function.Consumer<Fields> change) {
        Fields b = new Fields();
        b.precision = r.precision();
        b.optimizer = r.optimizer();
        b.batch = r.batch();
        b.gradAccum = r.gradAccum();
        b.checkpointing = r.checkpointing();
        b.attention = r.attention();
        b.finetune = r.finetune();
        b.options = r.options();
        b.inference = r.inference();
        b.parallel = r.parallel();
        change.accept(b);
        return new RunConfig(r.id(), r.model(), r.modelOverrides(), r.task(), b.precision, r.masterWeights(),
                b.optimizer, b.batch, r.seq(), b.gradAccum, b.checkpointing, b.attention, b.finetune, b.parallel,
                b.options, b.inference, r.gpu(), r.compat(), b.precision.isAmp() ? r.framework()
                : r.framework().withPrecisionPolicy(RunConfig.PrecisionPolicy.AUTOCAST));
    }
}
