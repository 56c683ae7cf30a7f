package dev.gpumem.measure.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.input.BadInputException;
import dev.gpumem.measure.DeviceUnavailableException;
import dev.gpumem.measure.FrameworkCounters;
import dev.gpumem.measure.RunContext;
import dev.gpumem.measure.RunEvent;
import dev.gpumem.measure.RunOutcome;
import dev.gpumem.measure.Runner;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Inventory;
import dev.gpumem.units.ByteFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The DJL runner: a real training step of the model's layer shapes in DJL's PyTorch engine, in process.
 *
 * <p>Timeline, one phase each: {@code load} (parameters created and initialised), {@code forward} (embeddings,
 * blocks, final norm, under a GradientCollector), {@code loss} (LM head, log-softmax, target gather, mean),
 * {@code backward} ({@code GradientCollector.backward}), {@code optimizer_step} (states created on this first
 * step, update, then the gradients released as {@code zero_grad(set_to_none=True)} does), and
 * {@code second_step} (the four again, with the states resident). Every intermediate is closed as soon as it is
 * used (see {@link DecoderForward}); the step's inputs live in a sub-manager closed at the step's end.
 *
 * <p>{@link #prepare()} loads the engine and runs a small warm-up step of the same ops, so that libtorch's code,
 * its thread pools and the math library's buffers belong to the baseline, not to the workload.
 */
public final class DjlRunner implements Runner {

    private final Inventory inventory;
    private final RunConfig config;
    private final int gpuIndex;
    private final DataType dtype;
    private Engine engine;
    private NDManager root;

    private DjlRunner(Inventory inventory, RunConfig config, int gpuIndex) {
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.config = Objects.requireNonNull(config, "config");
        this.gpuIndex = gpuIndex;
        DjlSupport.check(config, inventory.architecture());
        // fp32 only (DjlSupport refuses the rest); the forward keeps HF's half-precision casts for a DJL that can
        // differentiate toType
        this.dtype = DataType.FLOAT32;
    }

    /**
     * A runner on the CPU (resident memory is the probe there).
     *
     * @throws IllegalArgumentException when DJL cannot run {@code config} as asked (one sentence)
     */
    public static DjlRunner onCpu(Inventory inventory, RunConfig config) {
        return new DjlRunner(inventory, config, -1);
    }

    /**
     * A runner on CUDA device {@code index} (needs a DJL-supported libtorch with CUDA: PYTORCH_LIBRARY_PATH and
     * PYTORCH_FLAVOR=cu128, see the README).
     *
     * @throws IllegalArgumentException when DJL cannot run {@code config} as asked (one sentence)
     */
    public static DjlRunner onGpu(Inventory inventory, RunConfig config, int index) {
        if (index < 0) {
            throw new BadInputException("gpu: device index must be >= 0, got " + index);
        }
        return new DjlRunner(inventory, config, index);
    }

    /**
     * The runner for a measurement: on the CPU when {@code gpuIndex} is null, else on that CUDA device. This is
     * what the measure harness's registration point calls ({@code RunnerKind.DJL}); the profile's request should
     * then be {@link #request()}.
     *
     * @param inventory the model as loaded with the request's overrides (its truncation included)
     * @throws IllegalArgumentException when DJL cannot run {@code config} as asked (one sentence, exit 2)
     */
    public static DjlRunner of(Inventory inventory, RunConfig config, Integer gpuIndex) {
        return gpuIndex == null ? onCpu(inventory, config) : onGpu(inventory, config, gpuIndex);
    }

    /** @return the request that ran: the given one with the truncation and the dropout settings recorded */
    public RunConfig request() {
        return DjlSupport.asRun(config, inventory.architecture());
    }

    @Override
    public String name() {
        return "djl";
    }

    @Override
    public void prepare() {
        engine = loadEngine();
        root = engine.newBaseManager(device());
        if (gpuIndex >= 0) {
            // DJL's own GPU count goes through a JNA probe of an unversioned libcudart.so that is often absent;
            // a one-element array on the device asks libtorch itself
            try (NDArray probe = root.ones(new Shape(1))) {
                probe.toFloatArray();
            } catch (EngineException | IllegalArgumentException e) {
                close();
                throw new DeviceUnavailableException("DJL's PyTorch engine cannot use cuda:" + gpuIndex + " ("
                        + firstLine(String.valueOf(e.getMessage())) + "); it needs a CUDA libtorch 2.7.1: "
                        + "PYTORCH_LIBRARY_PATH and PYTORCH_FLAVOR=cu128", e);
            }
        }
        warmUp();
    }

    private Device device() {
        return gpuIndex < 0 ? Device.cpu() : Device.gpu(gpuIndex);
    }

    /**
     * Loads DJL's PyTorch engine. DJL must not call home: when neither the DJL_OFFLINE / OPT_OUT_TRACKING
     * environment variables nor their system properties are set, the properties are set before the engine's
     * classes initialise (scripts/gpumem and the build already export the variables).
     */
    private static Engine loadEngine() {
        if (System.getenv("DJL_OFFLINE") == null && System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        if (System.getenv("OPT_OUT_TRACKING") == null && System.getProperty("OPT_OUT_TRACKING") == null) {
            System.setProperty("OPT_OUT_TRACKING", "true");
        }
        try {
            return Engine.getEngine("PyTorch");
        } catch (EngineException | IllegalArgumentException | UnsatisfiedLinkError e) {
            throw new DeviceUnavailableException("DJL's PyTorch engine could not load: " + rootMessage(e), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
    }

    /**
     * One large linear layer forward and backward, then one training step of the model cut to one block at the
     * run's batch and sequence, so that kernels, thread pools, JIT-compiled code and the CPU GEMM library's
     * packing buffers exist before the baseline: they belong to the runtime, not the workload. The GEMM library
     * keeps buffers sized by the largest GEMMs it has seen (measured: 5.5 MiB appeared at the first 512x768x3072
     * GEMM after a small warm-up, and about 10 MiB at the first LM-head GEMM larger than a 64-token warm-up's; with
     * the full-size LM head in the warm-up every phase is within 0.4 % of the tensor account). The warm-up's
     * tensors are freed before the baseline is read; it costs about one block's and the LM head's step time.
     */
    private void warmUp() {
        try (NDManager m = root.newSubManager(); GradientCollector gc = engine.newGradientCollector()) {
            NDArray weight = m.randomNormal(0f, 0.02f, new Shape(4096, 2048), dtype);
            weight.setRequiresGradient(true);
            NDArray bias = m.zeros(new Shape(4096), dtype);
            bias.setRequiresGradient(true);
            NDArray x = m.randomNormal(0f, 1f, new Shape(1, 1024, 2048), dtype);
            x.setRequiresGradient(true);
            NDArray y = ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow();
            gc.backward(y.mean());
        }
        // the model's own widths (GEMM shapes, vocabulary) and token count, with one block
        Architecture small = inventory.architecture().withNumLayers(1);
        try (NDManager m = root.newSubManager(); DecoderWeights w = DecoderWeights.create(small, m, dtype)) {
            TorchOptimizer opt = TorchOptimizer.of(config.optimizer());
            try {
                step(small, w, opt, m, config.batch(), config.seq(), null);
            } finally {
                opt.close();
            }
        }
    }

    @Override
    public RunOutcome run(RunContext ctx) {
        Architecture a = inventory.architecture();
        String phase = Phase.LOAD.wire();
        long expected = DecoderWeights.parameterCount(a);
        if (expected != inventory.parameterCount()) {
            ctx.event(new RunEvent(RunEvent.Kind.NOTE, null, String.format(Locale.ROOT,
                    "the djl model has %d parameters, the inventory %d: the DJL layout differs for %s",
                    expected, inventory.parameterCount(), a.modelType()), null));
        }
        malloc(ctx);
        if (root == null) {
            prepare();
        }
        TorchOptimizer opt = TorchOptimizer.of(config.optimizer());
        long t0 = System.nanoTime();
        try (NDManager m = root.newSubManager()) {
            sync(m);
            ctx.beginPhase(phase);
            DecoderWeights w = DecoderWeights.create(a, m, dtype);
            sync(m);
            ctx.endPhase(phase, FrameworkCounters.NONE);
            phase = Phase.FORWARD.wire();
            long t1 = System.nanoTime();
            step(a, w, opt, m, config.batch(), config.seq(), ctx);
            long t2 = System.nanoTime();
            phase = Phase.SECOND_STEP.wire();
            ctx.beginPhase(phase);
            step(a, w, opt, m, config.batch(), config.seq(), null);
            sync(m);
            ctx.endPhase(phase, FrameworkCounters.NONE);
            long t3 = System.nanoTime();
            ctx.event(new RunEvent(RunEvent.Kind.NOTE, null, String.format(Locale.ROOT,
                    "step time %.2f s (first, with state creation), %.2f s (second); load %.2f s; %s of "
                            + "parameters, %s of optimizer states; %s",
                    (t2 - t1) / 1e9, (t3 - t2) / 1e9, (t1 - t0) / 1e9, ByteFormat.human(w.parameterBytes()),
                    ByteFormat.human(opt.stateBytes()), semantics(a)), null));
            return new RunOutcome.Completed();
        } catch (EngineException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("out of memory") || msg.contains("not enough memory")) {
                return new RunOutcome.OutOfMemory(ctx.currentPhase(), requestedBytes(msg), -1);
            }
            return new RunOutcome.ChildFailed(-1, "DJL training step failed: " + firstLine(msg));
        } finally {
            opt.close();
            close();
        }
    }

    private static String semantics(Architecture a) {
        return "PyTorch-eager lifetimes (intermediates closed when used), foreach optimizer semantics with DJL "
                + "states, zero_grad(set_to_none=True), no dropout"
                + (a.activation() == Architecture.Activation.SILU ? ", SiLU as x·sigmoid(x) (one b·s·i more per "
                        + "layer than torch's fused silu)" : "")
                + (a.activation() == Architecture.Activation.GELU_TANH ? ", tanh GELU run as the exact GELU (same "
                        + "bytes)" : "")
                + (a.activation() == Architecture.Activation.GELU_NEW ? ", gelu_new run as one fused GELU (keeps x "
                        + "only, as gelu_pytorch_tanh; HF's composite keeps three b·s·i more per layer)" : "");
    }

    /** Records whether glibc's mmap threshold is pinned (freed tensors then return to the OS at once). */
    private void malloc(RunContext ctx) {
        if (gpuIndex >= 0) {
            return;
        }
        String threshold = System.getenv("MALLOC_MMAP_THRESHOLD_");
        ctx.event(new RunEvent(RunEvent.Kind.NOTE, null, threshold == null
                ? "MALLOC_MMAP_THRESHOLD_ is not set: freed tensors below glibc's dynamic mmap threshold may stay "
                        + "resident, so resident memory can exceed live tensors"
                : "MALLOC_MMAP_THRESHOLD_=" + threshold + ": allocations from that size on are mmapped and "
                        + "return to the OS when freed", null));
    }

    /**
     * One training step. With a context, each of forward, loss, backward and optimizer_step is a phase; without,
     * the step is silent (the warm-up, or the second step inside its own phase).
     */
    private void step(Architecture a, DecoderWeights w, TorchOptimizer opt, NDManager parent, int batch, int seq,
                      RunContext ctx) {
        DecoderForward fwd = new DecoderForward(a, w, dtype, batch, seq);
        try (NDManager s = parent.newSubManager()) {
            begin(ctx, Phase.FORWARD, s);
            NDArray ids = s.randomInteger(0, a.vocabSize(), new Shape(batch, seq), DataType.INT64);
            NDArray labels = s.randomInteger(0, a.vocabSize(), new Shape(batch, seq), DataType.INT64);
            NDArray loss;
            try (DecoderForward.StepConstants c = fwd.constants(s);
                 GradientCollector gc = engine.newGradientCollector()) {
                NDArray hidden = fwd.hidden(ids, c);
                c.close();
                end(ctx, Phase.FORWARD, s);
                begin(ctx, Phase.LOSS, s);
                loss = fwd.loss(hidden, labels);
                end(ctx, Phase.LOSS, s);
                begin(ctx, Phase.BACKWARD, s);
                gc.backward(loss);
            }
            loss.close();
            ids.close();
            labels.close();
            end(ctx, Phase.BACKWARD, s);
            begin(ctx, Phase.OPTIMIZER_STEP, s);
            List<String> names = w.names();
            List<NDArray> params = new ArrayList<>(names.size());
            List<NDArray> grads = new ArrayList<>(names.size());
            for (String n : names) {
                NDArray p = w.get(n);
                params.add(p);
                grads.add(p.getGradient());
            }
            opt.step(names, params, grads);
            grads.forEach(NDArray::close);
            w.releaseGradients();
            end(ctx, Phase.OPTIMIZER_STEP, s);
        }
    }

    private void begin(RunContext ctx, Phase phase, NDManager m) {
        if (ctx != null) {
            sync(m);
            ctx.beginPhase(phase.wire());
        }
    }

    private void end(RunContext ctx, Phase phase, NDManager m) {
        if (ctx != null) {
            sync(m);
            ctx.endPhase(phase.wire(), FrameworkCounters.NONE);
        }
    }

    /** Waits for the device's queued work: a one-element copy to the host (no-op on the CPU, where ops block). */
    private void sync(NDManager m) {
        if (gpuIndex < 0) {
            return;
        }
        try (NDArray one = m.ones(new Shape(1))) {
            one.toFloatArray();
        }
    }

    /**
     * @return the bytes an out-of-memory message says were asked for: libtorch's CPU allocator writes "you tried
     *         to allocate N bytes", its CUDA allocator "Tried to allocate 2.00 GiB" (or MiB/KiB); -1 when absent
     */
    static long requestedBytes(String message) {
        java.util.regex.Matcher cpu = java.util.regex.Pattern.compile("allocate (\\d+) bytes").matcher(message);
        if (cpu.find()) {
            return Long.parseLong(cpu.group(1));
        }
        java.util.regex.Matcher cuda = java.util.regex.Pattern.compile("allocate ([0-9.]+) (GiB|MiB|KiB)")
                .matcher(message);
        if (cuda.find()) {
            double unit = switch (cuda.group(2)) {
                case "GiB" -> 1024.0 * 1024 * 1024;
                case "MiB" -> 1024.0 * 1024;
                default -> 1024.0;
            };
            return Math.round(Double.parseDouble(cuda.group(1)) * unit);
        }
        return -1;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Closes the engine's base manager (run does at its end; for a runner prepared but never run). */
    public void close() {
        if (root != null) {
            root.close();
            root = null;
        }
    }
}
