package dev.gpumem.estimate;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The estimator's answer for one request.
 *
 * @param config          the request
 * @param params          parameters of the model (published-count convention: buffers excluded)
 * @param trainableParams parameters that receive gradients (LoRA adapters only, for LoRA/QLoRA)
 * @param phases          one estimate per phase, in timeline order
 * @param fit             the verdict against {@code config.gpu()}, or null when no GPU was given
 * @param accelerate      what HF accelerate's estimate-memory prints, or null unless compat = accelerate
 * @param notes           assumptions and unsupported parts, one sentence each
 * @param host            what the run keeps in host memory instead of on the device (offload: master weights,
 *                        optimizer states, gradient partitions, offloaded parameter shards, staging buffers), one
 *                        term each; resident from the first step on; empty without offload
 * @param outsideAllocator device memory outside the caching allocator besides the CUDA context (NCCL communicator
 *                        buffers), one term each, included in every phase's device level; empty on one rank
 */
public record Estimate(RunConfig config, long params, long trainableParams, List<PhaseEstimate> phases,
                       FitVerdict fit, AccelerateNumbers accelerate, List<String> notes, List<Term> host,
                       List<Term> outsideAllocator) {
    /** Nothing in host memory and nothing outside the allocator but the context. */
    public Estimate(RunConfig config, long params, long trainableParams, List<PhaseEstimate> phases,
                    FitVerdict fit, AccelerateNumbers accelerate, List<String> notes) {
        this(config, params, trainableParams, phases, fit, accelerate, notes, List.of(), List.of());
    }

    public Estimate {
        Objects.requireNonNull(config, "config");
        phases = List.copyOf(phases);
        notes = List.copyOf(notes);
        host = List.copyOf(host);
        outsideAllocator = List.copyOf(outsideAllocator);
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("an estimate has at least one phase");
        }
    }

    /** @return bytes the run keeps in host memory (the sum of {@link #host}) */
    public long hostBytes() {
        long sum = 0;
        for (Term t : host) {
            sum = Math.addExact(sum, t.bytes());
        }
        return sum;
    }

    /** @return the phase with the highest value at {@code level} */
    public PhaseEstimate peak(Level level) {
        return phases.stream().max(Comparator.comparingLong(p -> p.level(level))).orElseThrow();
    }

    public PhaseEstimate phase(Phase phase) {
        return phases.stream().filter(p -> p.phase() == phase).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no phase " + phase.wire() + " in this estimate"));
    }

    /**
     * @param gpu           the card
     * @param peakDevice    predicted peak device bytes
     * @param headroomBytes total − peak device (negative when it does not fit)
     * @param fits          peak device ≤ total
     */
    public record FitVerdict(GpuSpec gpu, long peakDevice, long headroomBytes, boolean fits) {
    }

    /**
     * Hugging Face accelerate estimate-memory's numbers, reproduced exactly (its "GB" are GiB).
     *
     * @param largestLayerBytes  largest no-split module (a decoder block), parameters + buffers
     * @param totalBytes         parameters + buffers of the AutoModel (no LM head for most decoders)
     * @param trainingPeakBytes  "Training using Adam": max of the four stages
     * @param modelStage         stage "Model"
     * @param gradientStage      stage "Gradient calculation"
     * @param backwardStage      stage "Backward pass"
     * @param optimizerStage     stage "Optimizer step"
     * @param leftOut            what accelerate leaves out, one sentence each
     */
    public record AccelerateNumbers(long largestLayerBytes, long totalBytes, long trainingPeakBytes, long modelStage,
                                    long gradientStage, long backwardStage, long optimizerStage, List<String> leftOut) {
        public AccelerateNumbers {
            leftOut = List.copyOf(leftOut);
        }
    }
}
