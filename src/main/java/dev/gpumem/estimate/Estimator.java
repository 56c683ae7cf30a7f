package dev.gpumem.estimate;

import dev.gpumem.estimate.GpuSpec.GpuArch;
import dev.gpumem.estimate.RunConfig.FinetuneMethod;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.RunConfig.RunOption;
import dev.gpumem.estimate.RunConfig.Task;
import dev.gpumem.estimate.compat.AccelerateCompat;
import dev.gpumem.estimate.device.Calibration;
import dev.gpumem.estimate.device.DeviceDefaults;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.parallel.PipelineLayout;
import dev.gpumem.estimate.parallel.PipelineStage;
import dev.gpumem.estimate.parallel.StageChoice;
import dev.gpumem.estimate.plan.AllocationPlan;
import dev.gpumem.estimate.step.InferenceStep;
import dev.gpumem.estimate.step.LoraTargets;
import dev.gpumem.estimate.step.StepTimeline;
import dev.gpumem.estimate.step.TrainingStep;
import dev.gpumem.estimate.timeline.PhasePeak;
import dev.gpumem.estimate.timeline.PlanWriter;
import dev.gpumem.estimate.timeline.TimelineSimulation;
import dev.gpumem.input.BadInputException;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Architecture.StackKind;
import dev.gpumem.model.Inventory;
import dev.gpumem.units.ByteFormat;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Predicts memory per phase and per level. Stateless and thread-safe: every call builds its own timeline.
 *
 * <p>How a request becomes numbers: the step builders ({@code estimate.step}) write the run as ordered alloc/free
 * events of named tensor kinds (weights, gradients, optimizer states, each block's saved activations from
 * {@code estimate.ops}, logits and loss tensors, temporaries); {@link TimelineSimulation} replays them through the
 * caching-allocator model and keeps, per phase, the moment of most live bytes (allocated, each tensor rounded up to
 * 512 B), the segment bytes (reserved) and the live tensors there (the terms); the device level adds the CUDA
 * context of the GPU class ({@link Calibration}).
 *
 * <p>Device constants: the shipped {@link DeviceDefaults} per {@link GpuArch}, replaced by calibrations given to the
 * constructor. The GPU class is {@code config.gpu().arch()}; without a GPU the Ampere defaults apply. For host
 * memory (a CPU run) pass a {@link GpuSpec} with {@link GpuArch#CPU}: no context, no cuBLAS workspace.
 */
public final class Estimator {
    private final Map<GpuArch, Calibration> calibrations;

    /** An estimator with the shipped device defaults. */
    public Estimator() {
        this(List.of());
    }

    /** An estimator whose device constants for the calibrations' GPU classes replace the shipped defaults. */
    public Estimator(List<Calibration> calibrations) {
        Map<GpuArch, Calibration> m = new EnumMap<>(GpuArch.class);
        for (Calibration c : calibrations) {
            m.put(c.arch(), c);
        }
        this.calibrations = Map.copyOf(m);
    }

    /** @return the device constants used for {@code gpu} (null: the Ampere defaults) */
    public Calibration calibrationFor(GpuSpec gpu) {
        GpuArch arch = gpu == null ? GpuArch.AMPERE : gpu.arch();
        Calibration c = calibrations.get(arch);
        Calibration cal = c != null ? c : gpu == null ? DeviceDefaults.forArch(arch) : DeviceDefaults.forGpu(gpu);
        if (gpu == null || gpu.contextBytes().isEmpty()) {
            return cal;
        }
        long stated = gpu.contextBytes().getAsLong();
        return new Calibration(cal.arch(), stated, cal.workspaceBytes(), cal.allocatorSlackFactor(),
                Source.STATED_ON_REQUEST, "context " + ByteFormat.mib(stated) + " as stated in gpu.context_bytes"
                + " (measured on the user's machine); the other constants: " + cal.provenance(),
                cal.ncclCommunicatorBytes());
    }

    /**
     * @throws BadInputException when the request cannot be estimated for this model (one sentence naming
     *                                  the field)
     */
    public Estimate estimate(Inventory inventory, RunConfig config) {
        validate(inventory, config);
        Calibration cal = calibrationFor(config.gpu());
        List<Term> outside = ncclBuffers(config.parallel(), cal);
        long nccl = 0;
        for (Term t : outside) {
            nccl += t.bytes();
        }
        long capacity = capacity(config, cal, nccl);
        Counted counted = count(inventory, config, cal, capacity, nccl);
        StepTimeline st = counted.timeline();
        List<PhaseEstimate> phases = counted.phases();
        Estimate.FitVerdict fit = null;
        if (config.gpu() != null) {
            long peak = phases.stream().mapToLong(PhaseEstimate::device).max().orElse(0);
            fit = new Estimate.FitVerdict(config.gpu(), peak, config.gpu().totalBytes() - peak,
                    peak <= config.gpu().totalBytes());
        }
        Estimate.AccelerateNumbers accelerate = config.compat() == RunConfig.Compat.ACCELERATE
                ? AccelerateCompat.estimate(inventory, config) : null;
        return new Estimate(config, st.params(), st.trainableParams(), phases, fit, accelerate,
                notes(inventory, config, counted.stage(), cal, accelerate != null), st.host(), outside);
    }

    /**
     * The counted rank's timeline and phases.
     *
     * @param stage the pipeline stage counted
     */
    private record Counted(StepTimeline timeline, List<PhaseEstimate> phases, PipelineStage stage) {
        long peak() {
            return phases.stream().mapToLong(PhaseEstimate::device).max().orElse(0);
        }
    }

    /**
     * Estimates the stage {@code parallel.stage} names; for worst (the default) every stage of the pipeline, keeping
     * the one with the highest device peak (the first of equal ones).
     */
    private static Counted count(Inventory inv, RunConfig cfg, Calibration cal, long capacity, long nccl) {
        Parallel p = cfg.parallel();
        PipelineLayout layout = p.pipelineLayout();
        if (p.pipeline() == 1 || layout.stage().kind() != StageChoice.Kind.WORST) {
            return countStage(inv, cfg, cal, capacity, nccl);
        }
        Counted worst = null;
        for (int s = 0; s < p.pipeline(); s++) {
            RunConfig stage = cfg.withParallel(p.withPipelineLayout(layout.withStage(StageChoice.of(s))));
            Counted c = countStage(inv, stage, cal, capacity, nccl);
            if (worst == null || c.peak() > worst.peak()) {
                worst = c;
            }
        }
        return worst;
    }

    private static Counted countStage(Inventory inv, RunConfig cfg, Calibration cal, long capacity,
                                      long nccl) {
        StepTimeline st = build(inv, cfg, cal);
        List<PhasePeak> peaks = TimelineSimulation.run(st.timeline(), st.layers(), capacity);
        List<PhaseEstimate> phases = new ArrayList<>(peaks.size());
        for (PhasePeak p : peaks) {
            long slack = p.reserved() - p.allocated();
            long reserved = p.allocated() + (long) Math.ceil(slack * cal.allocatorSlackFactor());
            phases.add(new PhaseEstimate(p.phase(), p.allocated(), reserved,
                    reserved + cal.contextBytes() + nccl, p.terms()));
        }
        return new Counted(st, phases, st.stage());
    }

    /** @return the caching allocator's room on the device: the GPU less the context and NCCL's buffers */
    private static long capacity(RunConfig config, Calibration cal, long nccl) {
        return config.gpu() == null || config.gpu().arch() == GpuArch.CPU ? Long.MAX_VALUE
                : Math.max(0, config.gpu().totalBytes() - cal.contextBytes() - nccl);
    }

    /**
     * @return NCCL's buffers on the counted rank, one term per process group its layout talks over: data-parallel
     *         (parallel.data &gt; 1), tensor-parallel (tensor &gt; 1), pipeline send/receive (pipeline &gt; 1); NCCL
     *         allocates them with cudaMalloc when the communicator is created, outside the caching allocator, so they
     *         are in the device level only (component context). None on one rank.
     */
    static List<Term> ncclBuffers(RunConfig.Parallel p, Calibration cal) {
        List<Term> out = new ArrayList<>(3);
        long per = cal.ncclCommunicatorBytes();
        if (per <= 0) {
            return out;
        }
        boolean shipped = DeviceDefaults.ncclIsDefault(cal);
        String formula = shipped ? "channels·(Simple 4 MiB + LL 512 KiB + LL128 4,800 KiB)"
                : "nccl_communicator_bytes (calibration)";
        String values = shipped ? DeviceDefaults.NCCL_DEFAULT_CHANNELS + "·" + DeviceDefaults.NCCL_CHANNEL_BYTES
                + " B (default channel count, not a measurement)" : per + " B";
        if (p.data() > 1) {
            out.add(new Term("nccl.data_parallel_group", Component.CONTEXT, Source.NCCL_BUFFERS, formula, values, per));
        }
        if (p.tensor() > 1) {
            out.add(new Term("nccl.tensor_parallel_group", Component.CONTEXT, Source.NCCL_BUFFERS, formula, values,
                    per));
        }
        if (p.pipeline() > 1) {
            out.add(new Term("nccl.pipeline_p2p", Component.CONTEXT, Source.NCCL_BUFFERS, formula, values, per));
        }
        return out;
    }

    /** @return the model reader's warnings first, then the estimate's notes, then accelerate's buffer note if asked */
    private static List<String> notes(Inventory inventory, RunConfig config, PipelineStage stage, Calibration cal,
                                      boolean accelerate) {
        List<String> estimate = EstimateNotes.of(inventory.architecture(), config, stage, cal);
        List<String> notes = new ArrayList<>(inventory.warnings().stream().filter(w -> !estimate.contains(w)).toList());
        notes.addAll(estimate);
        if (accelerate) {
            AccelerateCompat.bufferNote(inventory, AccelerateCompat.AccelerateDtype.of(config.precision()),
                    config.task()).ifPresent(notes::add);
        }
        return List.copyOf(notes);
    }

    /**
     * The ordered allocate/free events whose replay through an empty allocator reproduces {@link #estimate}'s
     * allocated level, phase by phase (each event's bytes are the tensor's request; large timelines are coalesced,
     * see {@link PlanWriter}).
     */
    public AllocationPlan plan(Inventory inventory, RunConfig config) {
        validate(inventory, config);
        Calibration cal = calibrationFor(config.gpu());
        long nccl = ncclBuffers(config.parallel(), cal).stream().mapToLong(Term::bytes).sum();
        return PlanWriter.write(count(inventory, config, cal, capacity(config, cal, nccl), nccl).timeline().timeline());
    }

    private static StepTimeline build(Inventory inv, RunConfig cfg, Calibration cal) {
        return cfg.task() == Task.TRAIN ? TrainingStep.build(inv, cfg, cal) : InferenceStep.build(inv, cfg, cal);
    }

    private static void validate(Inventory inv, RunConfig cfg) {
        Architecture arch = inv.architecture();
        if (cfg.finetune().method() == FinetuneMethod.QLORA && cfg.precision() == Precision.FP32) {
            throw new BadInputException("precision: qlora computes in half precision; use bf16, fp16, "
                    + "amp-bf16 or amp-fp16, not fp32");
        }
        if (cfg.options().contains(RunOption.OPTIMIZER_IN_BACKWARD) && cfg.gradAccum() > 1) {
            throw new BadInputException("options: optimizer_in_backward updates each parameter during "
                    + "backward and cannot be combined with grad_accum > 1");
        }
        if (cfg.options().contains(RunOption.FUSED_OPTIMIZER)
                && !dev.gpumem.estimate.optim.OptimizerModel.hasFusedImplementation(cfg.optimizer())) {
            throw new BadInputException("options: fused_optimizer applies to torch.optim's fused "
                    + "implementations: adam, adamw, sgd, sgd-momentum; got optimizer " + cfg.optimizer().wire());
        }
        if (cfg.options().contains(RunOption.DDP_BUCKET_VIEW) && !(cfg.parallel().data() > 1
                && cfg.parallel().zero() == 0 && cfg.parallel().tensor() == 1 && cfg.parallel().pipeline() == 1)) {
            throw new BadInputException("options: ddp_bucket_view applies to torch DistributedDataParallel: "
                    + "parallel.data > 1 with zero 0, tensor 1 and pipeline 1");
        }
        if (cfg.options().contains(RunOption.PREFILL_ALL_LOGITS) && cfg.task() != Task.INFERENCE) {
            throw new BadInputException("options: prefill_all_logits applies to task inference");
        }
        if (cfg.parallel().pipeline() > 1 && cfg.parallel().zero() >= 2 && cfg.parallel().data() > 1) {
            throw new BadInputException("parallel.zero: ZeRO-2/3 cannot be combined with pipeline "
                    + "parallelism (DeepSpeed supports ZeRO-1 with pipelines); use zero 0 or 1");
        }
        cfg.parallel().pipelineLayout().check(cfg.parallel().pipeline(), arch.totalBlocks(), cfg.gradAccum());
        if (cfg.task() == Task.INFERENCE && arch.stack() != StackKind.ENCODER_ONLY
                && cfg.inference().contextTokens() < cfg.seq()) {
            throw new BadInputException("inference.context_tokens: must be at least seq ("
                    + cfg.seq() + "), got " + cfg.inference().contextTokens());
        }
        if (cfg.finetune().method() != FinetuneMethod.FULL) {
            LoraTargets.modules(inv, cfg.finetune().targets());
        }
    }
}
