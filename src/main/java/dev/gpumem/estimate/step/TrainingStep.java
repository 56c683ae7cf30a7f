package dev.gpumem.estimate.step;

import static dev.gpumem.estimate.ops.BlockProgram.GRAD;
import static dev.gpumem.estimate.ops.BlockProgram.INPUT;

import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Framework;
import dev.gpumem.estimate.Phase;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.RunOption;
import dev.gpumem.estimate.Source;
import dev.gpumem.estimate.device.Calibration;
import dev.gpumem.estimate.ops.BlockProgram;
import dev.gpumem.estimate.ops.Dims;
import dev.gpumem.estimate.ops.HeadProgram;
import dev.gpumem.estimate.ops.LmHeadOps;
import dev.gpumem.estimate.ops.Part;
import dev.gpumem.estimate.optim.OptimizerModel;
import dev.gpumem.estimate.parallel.PipelineRuntime;
import dev.gpumem.estimate.parallel.PipelineStage;
import dev.gpumem.estimate.timeline.TensorKind;
import dev.gpumem.estimate.timeline.Timeline;
import dev.gpumem.model.Architecture.HeadKind;
import dev.gpumem.model.Architecture.PositionKind;
import dev.gpumem.model.Inventory;
import dev.gpumem.units.DType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The timeline of training on the counted rank: load, then two optimizer steps. The first step's micro-steps are
 * labelled forward / loss / backward and its update optimizer_step; the whole second step (optimizer states
 * already resident) is one phase, second_step.
 *
 * <ul>
 *   <li>load: weights (with quantization constants and master weights); optimizer states are created lazily by the
 *       first {@code step()}.</li>
 *   <li>forward: the cuBLAS workspace at the first matmul; input ids and labels; the embedding output; RoPE cos/sin;
 *       the blocks, each keeping what autograd saves (only its input under full checkpointing); under amp the
 *       autocast copies of the weights (with checkpointing they are cached until autocast exits after the loss).</li>
 *   <li>loss: see {@link LmHeadOps}.</li>
 *   <li>backward: block by block in reverse (recomputed first under full checkpointing); each part's parameter
 *       gradients appear (amp: the half gradient, then the fp32 one; ZeRO-2/3: the full gradient, reduce-scattered
 *       into a shard and freed) while its saved tensors are released. A later micro-step computes a new gradient
 *       and adds it to the existing one.</li>
 *   <li>optimizer_step: states on the first step, temporaries, then {@code zero_grad(set_to_none=True)} (torch ≥ 2.0
 *       default), or with option zero_grad_in_place {@code set_to_none=False} (the default before torch 2.0, e.g.
 *       HF Trainer on torch 1.x): the gradients stay allocated through the next step, whose backward adds into
 *       them.</li>
 *   <li>selective_op (torchtitan's per-op SAC): the forward runs as under full checkpointing, but the outputs the
 *       policy saves (every other matmul, the attention kernel's outputs) stay with the block input; backward
 *       recomputes the block with those outputs handed over instead of recomputed.</li>
 *   <li>pipeline: the counted stage ({@code parallel.stage}; the estimator tries every stage for worst) runs its
 *       chunks' forwards in schedule order ({@link PipelineStage#forwardOrder}): the warmup forwards, then one
 *       forward and one backward alternately, then the rest of the backwards, so that it holds the schedule's units
 *       in flight ({@link dev.gpumem.estimate.parallel.PipelineSchedule#unitsInFlight}: gpipe m, 1f1b
 *       min(p − s, m), interleaved_1f1b Megatron-LM's warmup + 1) also once the gradients exist.
 *       The first stage holds the embedding, the last the final norm, LM head and loss (computed at the end of the
 *       forward); other stages receive the hidden state (b·s·h) and, in backward, its gradient.</li>
 * </ul>
 */
public final class TrainingStep {
    private final StepSpec spec;
    private final ModelState state;
    private final Timeline tl = new Timeline();
    /** the program of the model's (MoE) blocks, and of its dense blocks where an MoE model has some */
    private final RegisteredBlocks blocks;
    private final HeadProgram head;
    private final int[] headKinds;
    private final Dims dims;
    private final boolean checkpointFull;
    /** torchtitan's per-op SAC: the block is checkpointed, the policy's save list kept, the rest recomputed */
    private final boolean selectiveOp;
    /** a checkpointed forward (full or per-op SAC) and a recompute in backward */
    private final boolean recomputes;
    /** per-op SAC: the slots its policy saves */
    private final boolean selective;
    private final boolean offload;
    private final boolean inBackward;
    private final boolean gradsZeroedInPlace;
    /** DDP gradient_as_bucket_view: each gradient is copied into its bucket and then is a view of it */
    private final boolean gradsInDdpBucket;
    private final List<Boolean> noCore;
    /** tied embeddings: the shared matrix (used by the embedding and the LM head), or null */
    private final ParamEntry tied;

    // sized for every parameter up front, so that they are not rehashed as the step fills them
    private final Map<ParamEntry, Integer> grads;
    private final int paramCount;
    private final GatheredParameters gathered;
    private final OptimizerUpdates optimizer;
    private boolean firstStep = true;
    /** DeepSpeed ZeRO-1/2 reduce bucket (ipg_buffer) of the current backward, or -1 */
    private int ipgBuffer = -1;
    private int workspace = -1;
    /** torch.distributed.pipelining: its receive buffers are kept (see {@link PipelineRuntime#PERSISTENT_BUFFERS}) */
    private final boolean keptPipelineBuffers;
    /** per chunk, per micro-batch: the kept receive buffer of the chunk's input (-1: none), made on the first step */
    private int[][] receivedInputs;
    /** the input gradients left in the receive buffers' .grad, dropped when the next step starts */
    private final IntList inputGrads = new IntList();

    private TrainingStep(Inventory inv, StepSpec spec) {
        this.spec = spec;
        this.state = ModelState.of(inv, spec.cfg, spec.sharding, spec.stage, true);
        this.paramCount = state.all().size();
        this.grads = new IdentityHashMap<>(paramCount);
        boolean deepspeed = spec.cfg.framework().framework() == Framework.DEEPSPEED;
        this.gathered = new GatheredParameters(tl, state, spec.sharding.shardsParameters() || spec.fsdp2,
                deepspeed ? spec.cfg.framework().zeroBuffers().prefetchBucket() : -1,
                deepspeed ? spec.cfg.framework().zeroBuffers().maxLiveParameters() : 0);
        this.dims = spec.dims(spec.cfg.batch(), spec.cfg.seq());
        boolean fused = spec.option(RunOption.COMPILE);
        this.blocks = new RegisteredBlocks(tl, spec.arch, spec.blockSpec(true), dims);
        this.head = LmHeadOps.program(spec.blockSpec(true), dims, spec.arch.head().kind(),
                spec.arch.head().numLabels(), spec.option(RunOption.CHUNKED_LOSS), fused);
        this.headKinds = ProgramRun.register(tl, head.slotKinds());
        this.noCore = Collections.nCopies(head.slotKinds().size(), false);
        this.checkpointFull = spec.cfg.checkpointing() == Checkpointing.FULL;
        this.selectiveOp = spec.cfg.checkpointing() == Checkpointing.SELECTIVE_OP;
        this.recomputes = checkpointFull || selectiveOp;
        this.selective = spec.cfg.checkpointing() == Checkpointing.SELECTIVE;
        this.offload = spec.option(RunOption.ACTIVATION_OFFLOADING);
        this.inBackward = spec.option(RunOption.OPTIMIZER_IN_BACKWARD);
        this.gradsZeroedInPlace = spec.option(RunOption.ZERO_GRAD_IN_PLACE);
        this.gradsInDdpBucket = spec.sharding.torchDdp() && spec.option(RunOption.DDP_BUCKET_VIEW);
        this.optimizer = new OptimizerUpdates(tl, new OptimizerModel(spec.cfg.optimizer(),
                spec.option(RunOption.FUSED_OPTIMIZER), spec.cfg.framework().optimizerImpl())
                .temporariesForAllParameters(), paramCount);
        this.tied = tiedMatrix();
        this.keptPipelineBuffers = spec.stage.stages() > 1
                && spec.cfg.framework().framework().pipelineRuntime() == PipelineRuntime.PERSISTENT_BUFFERS;
    }

    /** @return the trainable embedding matrix the LM head shares, or null */
    private ParamEntry tiedMatrix() {
        var kind = spec.arch.head().kind();
        if (!spec.arch.tiedEmbeddings() || (kind != HeadKind.CAUSAL_LM && kind != HeadKind.MASKED_LM
                && kind != HeadKind.SEQ2SEQ_LM)) {
            return null;
        }
        long vh = (long) spec.arch.vocabSize() * spec.arch.hiddenSize();
        for (ParamEntry e : state.embedding()) {
            if (e.trainable() && e.weightNumel() == vh) {
                return e;
            }
        }
        return null;
    }

    /** The full-size gradient of the tied matrix as autograd hands it on (before any ZeRO reduce-scatter). */
    private TensorKind tiedGrad(String name) {
        TensorKind g = tied.fullGrad() != null ? tied.fullGrad() : tied.grad();
        return new TensorKind(name, Component.TEMPORARY, Source.AUTOGRAD_INPUT_BUFFER, g.formula(), g.values(),
                g.bytes());
    }

    /** @return the timeline of load and two training steps on the counted rank */
    public static StepTimeline build(Inventory inv, RunConfig cfg, Calibration calibration) {
        StepSpec spec = new StepSpec(inv, cfg, calibration);
        TrainingStep s = new TrainingStep(inv, spec);
        s.run();
        return new StepTimeline(s.tl, spec.layers, s.state.params(), s.state.trainableParams(), spec.stage,
                StepTimeline.hostTerms(s.state.hostTensors()));
    }

    private void run() {
        tl.phase(Phase.LOAD);
        for (ParamEntry e : state.all()) {
            if (!e.weightOnHost()) {
                tl.alloc(e.weight());
            }
            if (e.quantState() != null) {
                tl.alloc(e.quantState());
            }
            if (e.master() != null) {
                tl.alloc(e.master());
            }
        }
        if (spec.sharding.torchDdp()) {
            ddpBuckets();
        }
        zero3Bucket();
        offloadStaging();
        step();
        firstStep = false;
        tl.phase(Phase.SECOND_STEP);
        step();
    }

    /**
     * torch DDP's Reducer allocates, when the model is wrapped, flat gradient buckets covering every trainable
     * parameter in its dtype, kept for the whole run. Without find_unused_parameters the first iteration uses one
     * bucket for all of them (bucket_size_limits = [sys.maxsize]); from the second iteration they are rebuilt into
     * ≤ 25 MiB buckets of the same total, counted here as the first iteration's single bucket. With the default
     * gradient_as_bucket_view=False the gradients themselves are separate tensors: the buckets are one more copy of
     * the gradients (PyTorch PR #41954: −1 GB peak on a 1 GB-parameter model with bucket views).
     */
    private void ddpBuckets() {
        long elements = 0;
        long bytes = 0;
        long perElement = -1;                // bytes per gradient element when every gradient has the same dtype
        for (ParamEntry e : state.all()) {
            if (e.trainable()) {
                elements += e.weightNumel();
                bytes += e.grad().bytes();
                long b = e.grad().bytes() % e.weightNumel() == 0 ? e.grad().bytes() / e.weightNumel() : 0;
                perElement = perElement < 0 || perElement == b ? b : 0;
            }
        }
        if (bytes == 0) {
            return;
        }
        boolean uniform = perElement > 0;
        tl.alloc(new TensorKind("gradients.ddp_bucket", Component.GRADIENTS, Source.DDP_REDUCER,
                "Σ n(trainable)·" + (uniform ? bytes / elements + " B" : "bytes of each gradient"),
                uniform ? elements + "·" + bytes / elements : Long.toString(bytes), bytes));
    }

    /**
     * DeepSpeed ZeRO-1/2 with contiguous_gradients: each {@code backward()} drops the previous flat reduce bucket and
     * allocates a new one of reduce_bucket_size elements in the bit16 parameter dtype (stage_1_and_2.py); stage 2
     * keeps it through the optimizer step (released only by the next backward), stage 1 releases it when the
     * gradients are reduced at the accumulation boundary (counted as kept too: the release comes after backward).
     */
    private void ipgBucket() {
        long n = spec.cfg.framework().ipgBucketElements();
        int zero = spec.cfg.parallel().zero();
        if (n <= 0 || zero < 1 || zero > 2) {
            return;
        }
        if (ipgBuffer >= 0) {
            tl.free(ipgBuffer);
        }
        DType dtype = spec.cfg.masterWeights() ? spec.compute : spec.cfg.precision().paramDtype();
        ipgBuffer = tl.alloc(TensorKind.ofElements("gradients.deepspeed_ipg_bucket", Component.GRADIENTS,
                Source.DEEPSPEED_IPG_BUFFER, dtype, "reduce_bucket_size", Long.toString(n), n));
    }

    /**
     * DeepSpeed ZeRO-3 with contiguous_gradients: one flat reduce bucket of reduce_bucket_size elements in the bit16
     * dtype, allocated when the optimizer is built and kept for the whole run (microsoft/DeepSpeed
     * deepspeed/runtime/zero/stage3.py @38327e0 __init__: __ipg_bucket_flat_buffer = torch.empty(reduce_bucket_size,
     * dtype=self.dtype)).
     */
    private void zero3Bucket() {
        long n = spec.cfg.framework().ipgBucketElements();
        if (n <= 0 || spec.cfg.parallel().zero() != 3 || spec.cfg.framework().framework() != Framework.DEEPSPEED) {
            return;
        }
        DType dtype = spec.cfg.masterWeights() ? spec.compute : spec.cfg.precision().paramDtype();
        tl.alloc(TensorKind.ofElements("gradients.deepspeed_ipg_bucket", Component.GRADIENTS,
                Source.DEEPSPEED_STAGE3_IPG_BUFFER, dtype, "reduce_bucket_size", Long.toString(n), n));
    }

    /**
     * DeepSpeed ZeRO-1/2 offload_optimizer: a device buffer of the largest parameter's elements in the bit16 dtype
     * (temp_grad_buffer_for_gpu_offload), allocated when the optimizer is built and kept
     * (microsoft/DeepSpeed deepspeed/runtime/zero/stage_1_and_2.py @38327e0 __init__, under cpu_offload; its host
     * twin temp_grad_buffer_for_cpu_offload is counted in host memory). ZeRO-3's offload buffers live on the host
     * (stage3.py: self.device = cpu).
     */
    private void offloadStaging() {
        TensorKind staging = state.offloadStaging();
        if (staging != null) {
            tl.alloc(staging);
        }
    }

    private void label(Phase p) {
        if (firstStep) {
            tl.phase(p);
        }
    }

    /**
     * The stage's units as its schedule runs them (Megatron-LM's forward_backward_pipelining_* loops,
     * schedules.py @00611e6eeb0b09b5ee074750956855215ddbd67f): the warmup forwards (in flight − 1), then one forward
     * and one backward alternately while forwards remain, then the remaining backwards; so the schedule's units in
     * flight are reached again after the first gradients exist. Backward k runs chunk v − 1 − (forward k's chunk),
     * that chunk's oldest unit (one chunk: first in, first out). With one stage the loss runs just before its
     * backward; on the last of several stages at the end of the forward, as Megatron-LM's forward_step
     * (forward_step_calc_loss on the last stage), so its tensors stay for every unit in flight.
     */
    private void step() {
        if (keptPipelineBuffers) {
            // clear_runtime_states at the start of step(): the receive buffers' .grad of the step before go
            for (int i = 0; i < inputGrads.size(); i++) {
                tl.free(inputGrads.get(i));
            }
            inputGrads.clear();
        }
        List<PipelineStage.Unit> order = spec.stage.forwardOrder(spec.cfg.gradAccum());
        int total = order.size();
        int warmup = Math.min(spec.stage.inFlight() - 1, total);
        List<ArrayDeque<Micro>> pending = new ArrayList<>();
        for (int c = 0; c < spec.stage.chunks().size(); c++) {
            pending.add(new ArrayDeque<>());
        }
        int forwards = 0;
        int backwards = 0;
        while (forwards < warmup) {
            forwardUnit(order.get(forwards++), pending);
        }
        while (forwards < total) {
            forwardUnit(order.get(forwards++), pending);
            backwardUnit(order.get(backwards++), pending);
        }
        while (backwards < total) {
            backwardUnit(order.get(backwards++), pending);
        }
        label(Phase.OPTIMIZER_STEP);
        optimizerStep();
    }

    private void forwardUnit(PipelineStage.Unit u, List<ArrayDeque<Micro>> pending) {
        label(Phase.FORWARD);
        if (keptPipelineBuffers && receivedInputs == null) {
            pipelineBuffers();
        }
        Micro m = forward(u.chunk(), u.microBatch());
        pending.get(u.chunk()).add(m);
        if (spec.stage.stages() > 1 && m.chunk.head()) {
            label(Phase.LOSS);
            loss(m);
        }
    }

    /** @param u the forward unit at the same position of the schedule table (its chunk is mirrored) */
    private void backwardUnit(PipelineStage.Unit u, List<ArrayDeque<Micro>> pending) {
        int chunk = spec.stage.chunks().size() - 1 - u.chunk();
        Micro m = pending.get(chunk).poll();
        if (m == null) {
            throw new IllegalStateException("pipeline schedule: backward of chunk " + chunk + " before its forward");
        }
        if (!(spec.stage.stages() > 1 && m.chunk.head())) {
            label(Phase.LOSS);
            if (m.chunk.head()) {
                loss(m);
            }
        }
        label(Phase.BACKWARD);
        backward(m);
    }

    /**
     * torch.distributed.pipelining's PipelineStage on the first step (pytorch/pytorch
     * torch/distributed/pipelining/stage.py @0138610 _prepare_forward_infra, _prepare_backward_infra): every chunk
     * that does not hold the embedding gets one receive buffer of its b·s·h input per micro-batch, every chunk that
     * does not hold the head one receive buffer of its output's gradient per micro-batch; all are kept for the run.
     */
    private void pipelineBuffers() {
        int m = spec.cfg.gradAccum();
        receivedInputs = new int[spec.stage.chunks().size()][m];
        for (int c = 0; c < spec.stage.chunks().size(); c++) {
            PipelineStage.Chunk chunk = spec.stage.chunks().get(c);
            java.util.Arrays.fill(receivedInputs[c], -1);
            for (int k = 0; k < m && !chunk.embedding(); k++) {
                receivedInputs[c][k] = tl.alloc(TensorKind.of("pipeline.receive_buffer_input", Component.ACTIVATIONS,
                        Source.TORCH_PIPELINING, spec.residual, dims.b(), dims.st(), dims.h()));
            }
            for (int k = 0; k < m && !chunk.head(); k++) {
                tl.alloc(TensorKind.of("pipeline.receive_buffer_grad", Component.TEMPORARY, Source.TORCH_PIPELINING,
                        spec.residual, dims.b(), dims.st(), dims.h()));
            }
        }
    }

    /** The tensors of one micro-batch in flight through one chunk of the stage. */
    private final class Micro {
        final PipelineStage.Chunk chunk;
        final int chunkIndex;
        /** the stage's position of the chunk's first block */
        final int offset;
        final ProgramRun[] layers;
        final Map<ParamEntry, Integer> copies = new IdentityHashMap<>(paramCount);
        final IntList autocastCache = new IntList();
        final boolean[] offloadedInputs;
        ProgramRun head;
        int inputIds = -1;
        int labels = -1;
        int cos = -1;
        int sin = -1;
        int mask = -1;
        int embeddingMask = -1;
        int out = -1;
        /** tied embeddings: the LM head's gradient of the shared matrix, buffered until the embedding's backward */
        int tiedHeadGrad = -1;
        /** torch.distributed.pipelining: the chunk's input is a kept receive buffer (never freed by the blocks) */
        boolean inputKept;
        /** torch.distributed.pipelining: the output sent on, held in fwd_cache until this backward (-1: none) */
        int sentOutput = -1;

        /**
         * @return the head's slot it must not free: its input, when the chunk holds the head alone (torchtitan's
         *         split can leave the last stage no block) and that input is a kept receive buffer; else -1
         */
        int headKeeps() {
            return layers.length == 0 && inputKept ? INPUT : -1;
        }

        Micro(int chunkIndex) {
            this.chunkIndex = chunkIndex;
            this.chunk = spec.stage.chunks().get(chunkIndex);
            this.offset = spec.stage.localOffset(chunkIndex);
            this.layers = new ProgramRun[chunk.layers()];
            this.offloadedInputs = new boolean[chunk.layers()];
        }
    }

    private Micro forward(int chunkIndex, int microBatch) {
        Micro m = new Micro(chunkIndex);
        TensorKind ws = spec.workspace();
        if (workspace < 0 && ws != null) {
            workspace = tl.alloc(ws);
        }
        if (chunkIndex == 0) {
            // every stage's rank loads the micro-batch (torchtitan hands inputs to the first stage and targets to
            // the last; counted on each rank once per micro-batch)
            m.inputIds = tl.alloc(spec.tokens("input.input_ids", dims));
            m.labels = tl.alloc(spec.tokens("input.labels", dims));
        }
        int h;
        if (m.chunk.embedding()) {
            h = embed(m);
        } else if (keptPipelineBuffers) {
            h = receivedInputs[chunkIndex][microBatch];
            m.inputKept = true;
        } else {
            h = tl.alloc(TensorKind.of("hidden.from_previous_stage", Component.ACTIVATIONS, Source.PIPELINE_1F1B,
                    spec.residual, dims.b(), dims.s(), dims.h()));
        }
        TensorKind cos = spec.rope("rope.cos", dims);
        if (cos != null) {
            m.cos = tl.alloc(cos);
            m.sin = tl.alloc(spec.rope("rope.sin", dims));
        }
        TensorKind mask = spec.causalMask(dims);
        if (mask != null) {
            m.mask = tl.alloc(mask);
        }
        int n = m.chunk.layers();
        for (int i = 0; i < n; i++) {
            int layer = m.offset + i;
            gathered.block(layer);
            if (i + 1 < n) {
                gathered.prefetch(layer, 1);       // forward prefetch (FSDP: the next block's all-gather)
            }
            RegisteredBlocks.Block b = blocks.at(m.chunk.firstLayer() + i);
            ProgramRun run = new ProgramRun(tl, b.kinds(), b.program().coreSlots());
            run.ids[INPUT] = h;
            if (selectiveOp) {
                run.keep = b.sacKeep();
            }
            boolean keepInput = recomputes || (i == 0 && m.inputKept);
            run.forward(b.program().forward(), !recomputes, selective, keepInput ? INPUT : -1,
                    blockHooks(layer, m, !recomputes));
            h = run.ids[b.program().output()];
            if (offload && i > 0) {
                if (recomputes && i - 1 == 0 && m.inputKept) {
                    m.layers[i - 1].offloadKept();         // the receive buffer stays; SAC's kept outputs go
                    m.offloadedInputs[i - 1] = true;
                } else if (recomputes) {
                    // the checkpointed input (and per-op SAC's saved outputs) is what autograd keeps; it goes to
                    // the host like any saved tensor
                    ProgramRun previous = m.layers[i - 1];
                    tl.free(previous.ids[INPUT]);
                    previous.offloadKept();
                    m.offloadedInputs[i - 1] = true;
                } else {
                    m.layers[i - 1].offload();
                }
            }
            m.layers[i] = run;
            gathered.release(layer);
        }
        if (m.chunk.head()) {
            gathered.gather(state.head(), GatheredParameters.HEAD);
            m.head = new ProgramRun(tl, headKinds, noCore);
            m.head.ids[INPUT] = h;
            m.head.forward(head.forward(), true, false, m.headKeeps(), headHooks(m));
        } else if (keptPipelineBuffers) {
            m.sentOutput = h;               // sent to the next stage, and held in fwd_cache until the backward
        } else {
            tl.free(h);                     // sent to the next stage
        }
        return m;
    }

    /** @return the embedding's output (with learned positions and dropout), the first block's input */
    private int embed(Micro m) {
        gathered.gather(state.embedding(), GatheredParameters.EMBEDDING);
        int h = tl.alloc(spec.hidden("hidden.embedding_out", dims));
        if (spec.arch.positions() == PositionKind.LEARNED) {
            int pos = tl.alloc(spec.hidden("hidden.position_embedding", dims));
            int sum = tl.alloc(spec.hidden("hidden.embedding_sum", dims));
            tl.free(h);
            tl.free(pos);
            h = sum;
        }
        gathered.release(GatheredParameters.EMBEDDING);
        if (dims.sequenceSplit()) {
            // sequence parallelism: the vocabulary-parallel embedding's partial sums are reduce-scattered to the
            // first block's b·s/t·h input (Megatron scatter_to_sequence_parallel_region, torchtitan
            // tok_embeddings RowwiseParallel output_layouts=Shard(1))
            int scattered = tl.alloc(TensorKind.of("hidden.embedding_scattered", Component.ACTIVATIONS,
                    Source.SEQUENCE_PARALLEL, spec.residual, dims.b(), dims.st(), dims.h()));
            tl.free(h);
            h = scattered;
        }
        if (spec.arch.hiddenDropout() > 0) {
            m.embeddingMask = tl.alloc(TensorKind.of("embedding.dropout_mask", Component.ACTIVATIONS,
                    Source.AUTOGRAD_SAVED, DType.BOOL, dims.b(), dims.st(), dims.h()));
            int dropped = tl.alloc(TensorKind.of("hidden.embedding_dropout_out", Component.ACTIVATIONS,
                    Source.HF_MODELING, spec.residual, dims.b(), dims.st(), dims.h()));
            tl.free(h);
            h = dropped;
        }
        return h;
    }

    private void loss(Micro m) {
        m.head.forward(head.loss(), true, false, m.headKeeps(), headHooks(m));
        for (int i = 0; i < m.autocastCache.size(); i++) {   // autocast exits: its cache of weight copies is cleared
            tl.free(m.autocastCache.get(i));
        }
        m.autocastCache.clear();
        if (m.mask >= 0) {
            tl.free(m.mask);
            m.mask = -1;
        }
        gathered.release(GatheredParameters.HEAD);
    }

    private void backward(Micro m) {
        ipgBucket();
        int g;
        if (m.chunk.head()) {
            gathered.gather(state.head(), GatheredParameters.HEAD);
            m.head.backward(head.backward(), m.headKeeps(), headHooks(m));
            g = m.head.ids[head.gradOut()];
            gathered.release(GatheredParameters.HEAD);
        } else {
            g = tl.alloc(TensorKind.of("grad.hidden_from_next_stage", Component.TEMPORARY, Source.PIPELINE_1F1B,
                    spec.residual, dims.b(), dims.st(), dims.h()));
            for (int i = 0; i < m.autocastCache.size(); i++) {
                tl.free(m.autocastCache.get(i));
            }
            m.autocastCache.clear();
            if (m.mask >= 0) {
                tl.free(m.mask);
                m.mask = -1;
            }
        }
        for (int i = m.chunk.layers() - 1; i >= 0; i--) {
            int layer = m.offset + i;
            gathered.block(layer);
            if (i > 0) {
                gathered.prefetch(layer, -1);      // backward prefetch (within the chunk)
            }
            ProgramRun run = m.layers[i];
            RegisteredBlocks.Block b = blocks.at(m.chunk.firstLayer() + i);
            if (recomputes) {
                if (m.offloadedInputs[i]) {
                    if (!(i == 0 && m.inputKept)) {
                        run.ids[INPUT] = tl.alloc(b.kinds()[INPUT]);   // back from the host before the recompute
                    }
                    run.reloadKept();
                    m.offloadedInputs[i] = false;
                }
                ProgramRun re = new ProgramRun(tl, b.kinds(), b.program().coreSlots());
                re.ids[INPUT] = run.ids[INPUT];
                if (selectiveOp) {
                    re.reuse = run.keptIds();      // the SAC cache hands the saved outputs to the recompute
                }
                re.forward(b.program().forward(), true, false, INPUT, blockHooks(layer, m, true));
                tl.free(re.ids[b.program().output()]);
                run = re;
            } else if (offload && i < m.chunk.layers() - 1) {
                if (selective) {
                    run.reload();
                } else {
                    run.reloadAll();
                }
            }
            run.ids[GRAD] = g;
            run.backward(b.program().backward(), GRAD, blockHooks(layer, m, true));
            if (recomputes && !(i == 0 && m.inputKept)) {
                tl.free(run.ids[INPUT]);
            }
            m.layers[i] = null;
            gathered.release(layer);
        }
        if (m.chunk.embedding()) {
            paramGrads(state.embedding(), null, m);
        }
        if (m.inputKept) {
            inputGrads.add(g);              // sent to the previous stage, and left in the receive buffer's .grad
        } else {
            tl.free(g);                     // the first stage's last use, else sent to the previous stage
        }
        if (m.sentOutput >= 0) {
            tl.free(m.sentOutput);          // popped from fwd_cache by this backward
        }
        if (m.embeddingMask >= 0) {
            tl.free(m.embeddingMask);
        }
        if (m.cos >= 0) {
            tl.free(m.cos);
            tl.free(m.sin);
        }
        if (m.inputIds >= 0) {
            tl.free(m.inputIds);
            tl.free(m.labels);
        }
    }

    private ProgramRun.Hooks blockHooks(int layer, Micro m, boolean grad) {
        List<ParamEntry> entries = state.block(layer);
        return new ProgramRun.Hooks() {
            @Override
            public void weightCopies(Part part) {
                for (ParamEntry e : entries) {
                    if (e.part() != part || e.autocastCopy() == null) {
                        continue;
                    }
                    int id = tl.alloc(e.autocastCopy());
                    if (grad) {
                        m.copies.put(e, id);
                    } else if (e.trainable()) {
                        m.autocastCache.add(id);
                    } else {
                        tl.free(id);
                    }
                }
            }

            @Override
            public void dequant(Part part) {
                dequantize(entries, part);
            }

            @Override
            public void paramGrads(Part part) {
                dequantize(entries, part);   // bitsandbytes dequantizes again for the input gradient
                TrainingStep.this.paramGrads(entries, part, m);
            }
        };
    }

    private ProgramRun.Hooks headHooks(Micro m) {
        return new ProgramRun.Hooks() {
            @Override
            public void weightCopies(Part part) {
            }

            @Override
            public void dequant(Part part) {
            }

            @Override
            public void paramGrads(Part part) {
                TrainingStep.this.paramGrads(state.head(), null, m);
                if (tied != null) {
                    // the head's v·h gradient of the shared matrix cannot go to .grad yet: AccumulateGrad runs
                    // once all its inputs are in, so it waits in the node's input buffer until the embedding's
                    // backward (torch/csrc/autograd/input_buffer.cpp)
                    m.tiedHeadGrad = tl.alloc(tiedGrad("temporary.tied_grad.lm_head"));
                }
            }

            @Override
            public void paramGradsAgain(Part part) {
                // the next chunk's gradient of each trainable head matrix, summed into the buffered one in place
                for (ParamEntry e : state.head()) {
                    TensorKind g = e.fullGrad() != null ? e.fullGrad() : e.grad() != null ? e.grad() : e.halfGrad();
                    if (e.trainable() && g != null) {
                        tl.free(tl.alloc(new TensorKind("temporary.chunk_grad." + g.name(), Component.TEMPORARY,
                                Source.AUTOGRAD_INPUT_BUFFER, g.formula(), g.values(), g.bytes())));
                    }
                }
                if (tied != null) {
                    tl.free(tl.alloc(tiedGrad("temporary.tied_grad.lm_head_chunk")));
                }
            }
        };
    }

    private void dequantize(List<ParamEntry> entries, Part part) {
        for (ParamEntry e : entries) {
            if (e.part() == part && e.dequant() != null) {
                tl.free(tl.alloc(e.dequant()));
            }
        }
    }

    /** The gradients of {@code entries} (of one part, or all when {@code part} is null) appear. */
    private void paramGrads(List<ParamEntry> entries, Part part, Micro m) {
        for (ParamEntry e : entries) {
            if (part != null && e.part() != part) {
                continue;
            }
            if (e.trainable() || e.grad() != null) {      // a frozen entry with a gradient: FSDP1 flat gradient
                // tied: embedding_dense_backward's dense v·h gradient, beside the buffered head gradient
                int tiedOwn = e == tied && m.tiedHeadGrad >= 0 ? tl.alloc(tiedGrad("temporary.tied_grad.embedding"))
                        : -1;
                int half = e.halfGrad() != null ? tl.alloc(e.halfGrad()) : -1;
                int full = e.fullGrad() != null ? tl.alloc(e.fullGrad()) : -1;
                if (half >= 0) {
                    tl.free(half);
                }
                Integer existing = grads.get(e);
                int handedOn = -1;
                if (gradsInDdpBucket) {
                    handedOn = tl.alloc(e.grad());   // copied into its DDP bucket, then .grad is a view of the bucket
                } else if (e.grad() == null) {
                    // offloaded: the gradient autograd handed on (full above) goes to its host partition
                } else if (existing == null) {
                    grads.put(e, tl.alloc(e.grad()));
                } else {
                    tl.free(tl.alloc(e.grad()));     // new gradient, added in place into the existing one
                }
                if (tiedOwn >= 0) {
                    // tied: InputBuffer::add sums the two v·h gradients out of place (it accumulates in place only
                    // when it may steal the buffered one); the sum, allocated above as the gradient, goes on to
                    // AccumulateGrad and the two addends are freed: three v·h tensors at this moment
                    tl.free(tiedOwn);
                    tl.free(m.tiedHeadGrad);
                    m.tiedHeadGrad = -1;
                }
                if (handedOn >= 0) {
                    tl.free(handedOn);
                }
                if (full >= 0) {
                    tl.free(full);
                }
                if (inBackward && e.trainable()) {
                    optimizer.updateOne(e);
                    // with ddp_bucket_view the gradient is a view of its DDP bucket (freed above as handed on):
                    // no .grad of its own to drop (pytorch/pytorch torch/distributed/algorithms/ddp_comm_hooks/
                    // optimizer_overlap_hooks.py _apply_optim_in_backward_hook sets p.grad only when the gradient
                    // is not a bucket view, commit bb6fe452f92dfbb1657ee293518dfb9f9911a7ea)
                    Integer own = grads.remove(e);
                    if (own != null) {
                        tl.free(own);
                    }
                }
            }
            Integer copy = m.copies.remove(e);
            if (copy != null) {
                tl.free(copy);
            }
        }
    }

    private void optimizerStep() {
        if (!inBackward && spec.cfg.optimizer() != Optimizer.NONE) {
            List<ParamEntry> trainable = new ArrayList<>();
            for (ParamEntry e : state.all()) {
                if (e.trainable()) {
                    trainable.add(e);
                }
            }
            optimizer.step(trainable);
        }
        if (gradsZeroedInPlace && !inBackward) {
            return;                          // zero_grad(set_to_none=False): zeroed in place, still allocated
        }
        for (int id : grads.values()) {      // zero_grad(set_to_none=True), the default since torch 2.0
            tl.free(id);
        }
        grads.clear();
    }
}
