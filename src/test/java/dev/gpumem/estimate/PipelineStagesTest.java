package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.parallel.PipelineLayout;
import dev.gpumem.estimate.parallel.PipelineSchedule;
import dev.gpumem.estimate.parallel.StageChoice;
import dev.gpumem.input.BadInputException;
import dev.gpumem.estimate.plan.PlanEvent;
import dev.gpumem.model.Architecture;
import dev.gpumem.model.Inventory;
import dev.gpumem.model.Traits;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Pipeline stages on the tiny Llama (h = 64, i = 128, v = 100, untied), bf16, batch 2, seq 32: one block's gate
 * projection output is b·s·i·2 B = 2·32·128·2 = 16384 B per micro-batch, the embedding and the LM head v·h·2 B =
 * 100·64·2 = 12800 B each.
 */
class PipelineStagesTest {
    private static final long GATE_OUT = 2L * 32 * 128 * 2;
    private static final long VOCAB_MATRIX = 100L * 64 * 2;
    private final Estimator estimator = new Estimator();

    private Estimate estimate(Inventory inv, int pipeline, PipelineLayout layout, int accum) {
        return estimator.estimate(inv, EstimatorPropertiesTest.train(Precision.BF16, Optimizer.ADAMW, 2, 32,
                Checkpointing.NONE, AttentionKernel.SDPA, Finetune.FULL,
                new Parallel(1, 0, 1, pipeline, layout), Set.of(), accum));
    }

    private static long term(PhaseEstimate p, String name) {
        return p.terms().stream().filter(t -> t.name().equals(name)).mapToLong(Term::bytes).sum();
    }

    private static long peak(Estimate e) {
        return e.phases().stream().mapToLong(PhaseEstimate::device).max().orElseThrow();
    }

    @Test
    void aDeeperScheduleHoldsMoreActivationBytesOnTheFirstStage() {
        Inventory inv = TinyModels.tiny();                   // L = 2: one block per stage with p = 2
        // grad_accum 4: 1F1B keeps min(p − 0, m) = 2 micro-batches on stage 0, GPipe all 4
        Estimate f1b = estimate(inv, 2, new PipelineLayout(PipelineSchedule.ONE_F_ONE_B, 1, StageChoice.FIRST), 4);
        Estimate gpipe = estimate(inv, 2, new PipelineLayout(PipelineSchedule.GPIPE, 1, StageChoice.FIRST), 4);
        assertEquals(2 * GATE_OUT, term(f1b.phase(Phase.FORWARD), "mlp.gate_out"));
        assertEquals(4 * GATE_OUT, term(gpipe.phase(Phase.FORWARD), "mlp.gate_out"));
        assertTrue(gpipe.phase(Phase.FORWARD).allocated() > f1b.phase(Phase.FORWARD).allocated());
    }

    @Test
    void oneFOneBHoldsItsMicroBatchesInFlightAgainOnceTheGradientsExist() {
        // p = 2, m = 3 on stage 0: warmup 1 forward, then F B, F B, then B: the third forward runs while micro-batch
        // 1 is still in flight and the first backward has made the gradients (gate_proj: 64·128·2 B = 16384 B), so
        // the forward peak holds two micro-batches' activations and the gradients together
        Estimate e = estimate(TinyModels.tiny(), 2, PipelineLayout.DEFAULT.withStage(StageChoice.FIRST), 3);
        assertEquals(2 * GATE_OUT, term(e.phase(Phase.FORWARD), "mlp.gate_out"));
        assertEquals(64L * 128 * 2, term(e.phase(Phase.FORWARD), "gradients.mlp.gate_proj.weight"));
    }

    @Test
    void interleavingHoldsMoreBlockActivationsOnTheFirstStage() {
        Inventory inv = TinyModels.inventory(TinyModels.llama(8));
        // 1F1B, p = 2, m = 4: stage 0 holds blocks 0..3 for min(2, 4) = 2 micro-batches: 8 block activations
        Estimate plain = estimate(inv, 2, new PipelineLayout(PipelineSchedule.ONE_F_ONE_B, 1, StageChoice.FIRST), 4);
        assertEquals(8 * GATE_OUT, term(plain.phase(Phase.FORWARD), "mlp.gate_out"));
        // interleaved, v = 2: chunks of 8/(2·2) = 2 blocks; stage 0 holds (2 − 0 − 1)·2 + (2 − 1)·2 + 1 = 5 units:
        // 10 block activations
        Estimate inter = estimate(inv, 2, new PipelineLayout(PipelineSchedule.INTERLEAVED_1F1B, 2,
                StageChoice.FIRST), 4);
        assertEquals(10 * GATE_OUT, term(inter.phase(Phase.FORWARD), "mlp.gate_out"));
    }

    @Test
    void theFirstStageCarriesTheEmbeddingAndTheLastTheLmHead() {
        Inventory inv = TinyModels.inventory(TinyModels.llama(4));
        Estimate first = estimate(inv, 2, PipelineLayout.DEFAULT.withStage(StageChoice.FIRST), 2);
        Estimate last = estimate(inv, 2, PipelineLayout.DEFAULT.withStage(StageChoice.LAST), 2);
        assertEquals(VOCAB_MATRIX, term(first.phase(Phase.LOAD), "weights.embed_tokens.weight"));
        assertEquals(0, term(first.phase(Phase.LOAD), "weights.lm_head.weight"));
        assertEquals(0, term(last.phase(Phase.LOAD), "weights.embed_tokens.weight"));
        assertEquals(VOCAB_MATRIX, term(last.phase(Phase.LOAD), "weights.lm_head.weight"));
        assertTrue(last.phases().stream().flatMap(p -> p.terms().stream())
                .anyMatch(t -> t.component() == Component.LOGITS));
        assertTrue(first.phases().stream().flatMap(p -> p.terms().stream())
                .noneMatch(t -> t.component() == Component.LOGITS));
    }

    @Test
    void worstIsTheHighestPeakOfEveryStageAndSaysWhichStage() {
        Inventory inv = TinyModels.inventory(TinyModels.llama(8));
        long max = 0;
        int at = -1;
        for (int s = 0; s < 4; s++) {
            long p = peak(estimate(inv, 4, PipelineLayout.DEFAULT.withStage(StageChoice.of(s)), 8));
            if (p > max) {
                max = p;
                at = s;
            }
        }
        assertEquals(peak(estimate(inv, 4, PipelineLayout.DEFAULT.withStage(StageChoice.FIRST), 8)),
                peak(estimate(inv, 4, PipelineLayout.DEFAULT.withStage(StageChoice.of(0)), 8)));
        assertEquals(peak(estimate(inv, 4, PipelineLayout.DEFAULT.withStage(StageChoice.LAST), 8)),
                peak(estimate(inv, 4, PipelineLayout.DEFAULT.withStage(StageChoice.of(3)), 8)));
        Estimate worst = estimate(inv, 4, PipelineLayout.DEFAULT, 8);
        assertEquals(max, peak(worst));
        String stage = "pipeline: stage " + at + " of 4 (the highest peak of the 4 stages)";
        assertTrue(worst.notes().stream().anyMatch(n -> n.startsWith(stage)), worst.notes().toString());
    }

    /**
     * torchtitan runs torch.distributed.pipelining's PipelineStage: on the first step every stage that receives
     * keeps one b·s·h receive buffer per micro-batch (b·s·h·2 B = 2·32·64·2 = 8192 B; m = 4: 32,768 B), every
     * stage that sends one buffer per micro-batch for the returning gradient (the same 32,768 B), and the input
     * gradients stay in the buffers' .grad until the next step starts (4 · 8192 B at the optimizer step). Megatron-LM's
     * fresh tensor per message keeps none of them. Every other semantic is stated equal for both frameworks.
     */
    @Test
    void torchPipeliningKeepsOneReceiveBufferPerMicroBatchAndTheInputGradientsUntilTheNextStep() {
        long hidden = 2L * 32 * 64 * 2;
        Estimate titanLast = framework(Framework.TORCHTITAN, StageChoice.LAST);
        Estimate megatronLast = framework(Framework.MEGATRON, StageChoice.LAST);
        for (Phase p : new Phase[] {Phase.FORWARD, Phase.BACKWARD, Phase.OPTIMIZER_STEP, Phase.SECOND_STEP}) {
            assertEquals(4 * hidden, term(titanLast.phase(p), "pipeline.receive_buffer_input"), p.name());
            assertEquals(0, term(megatronLast.phase(p), "pipeline.receive_buffer_input"), p.name());
            assertEquals(0, term(titanLast.phase(p), "pipeline.receive_buffer_grad"), p.name());
        }
        assertEquals(0, term(titanLast.phase(Phase.LOAD), "pipeline.receive_buffer_input"));
        // the last stage's input gradients (the head's grad.hidden, one per micro-batch) at the optimizer step
        assertEquals(4 * hidden, term(titanLast.phase(Phase.OPTIMIZER_STEP), "grad.hidden"));
        assertEquals(0, term(megatronLast.phase(Phase.OPTIMIZER_STEP), "grad.hidden"));
        assertEquals(8 * hidden, titanLast.phase(Phase.OPTIMIZER_STEP).liveTensors()
                - megatronLast.phase(Phase.OPTIMIZER_STEP).liveTensors());

        Estimate titanFirst = framework(Framework.TORCHTITAN, StageChoice.FIRST);
        assertEquals(4 * hidden, term(titanFirst.phase(Phase.OPTIMIZER_STEP), "pipeline.receive_buffer_grad"));
        assertEquals(0, term(titanFirst.phase(Phase.OPTIMIZER_STEP), "pipeline.receive_buffer_input"));
        assertEquals(0, term(framework(Framework.MEGATRON, StageChoice.FIRST).phase(Phase.OPTIMIZER_STEP),
                "pipeline.receive_buffer_grad"));
    }

    /**
     * torchtitan's split counts the embedding and the output as one layer each (generate_llm_fqn_per_model_part
     * with first/last_stage_less_layers 1): 3 blocks on 3 stages are 5 effective layers, 1 per stage and the first 2
     * one more, so the stages hold 1, 2 and 0 blocks, and the last stage the final norm and head alone. It reads its
     * input from the kept receive buffers (one b·s·h per micro-batch, all 4 still there after the backward, when the
     * head's input gradients sit in their .grad).
     */
    @Test
    void torchtitansLastStageCanHoldTheHeadAlone() {
        long hidden = 2L * 32 * 64 * 2;
        Inventory three = TinyModels.inventory(TinyModels.llama(3));
        Estimate last = framework(three, Framework.TORCHTITAN, StageChoice.LAST, 3);
        assertEquals(4 * hidden, term(last.phase(Phase.BACKWARD), "pipeline.receive_buffer_input"));
        assertEquals(4 * hidden, term(last.phase(Phase.OPTIMIZER_STEP), "pipeline.receive_buffer_input"));
        assertEquals(4 * hidden, term(last.phase(Phase.OPTIMIZER_STEP), "grad.hidden"));
        assertEquals(0, termsStartingWith(last.phase(Phase.LOAD), "weights.mlp."));
        long one = termsStartingWith(framework(three, Framework.TORCHTITAN, StageChoice.FIRST, 3)
                .phase(Phase.LOAD), "weights.mlp.");
        long two = termsStartingWith(framework(three, Framework.TORCHTITAN, StageChoice.of(1), 3)
                .phase(Phase.LOAD), "weights.mlp.");
        assertTrue(one > 0);
        assertEquals(2 * one, two);
        // Megatron-LM's even split: one block each
        assertEquals(one, termsStartingWith(framework(three, Framework.MEGATRON, StageChoice.LAST, 3)
                .phase(Phase.LOAD), "weights.mlp."));
    }

    private static long termsStartingWith(PhaseEstimate p, String prefix) {
        return p.terms().stream().filter(t -> t.name().startsWith(prefix)).mapToLong(Term::bytes).sum();
    }

    private Estimate framework(Framework fw, StageChoice stage) {
        return framework(TinyModels.tiny(), fw, stage, 2);
    }

    private Estimate framework(Inventory inv, Framework fw, StageChoice stage, int stages) {
        Parallel par = new Parallel(1, 0, 1, stages, PipelineLayout.DEFAULT.withStage(stage));
        FrameworkSettings.Stated same = new FrameworkSettings.Stated(RunConfig.PrecisionPolicy.AUTOCAST,
                Checkpointing.NONE, RunConfig.LossImpl.FP32_UPCAST, RunConfig.OptimizerImpl.FUSED, null, 0.0,
                RunConfig.ModelCode.HF, 0L, 0);
        FrameworkSettings.Resolved r = FrameworkSettings.resolve(fw, same, Precision.BF16, Optimizer.ADAMW,
                RunConfig.FinetuneMethod.FULL, par, Set.of());
        return estimator.estimate(inv, new RunConfig("t", "tiny", java.util.Map.of(),
                RunConfig.Task.TRAIN, Precision.BF16, false, Optimizer.ADAMW, 2, 32, 4, r.checkpointing(),
                AttentionKernel.SDPA, Finetune.FULL, r.parallel(), r.options(), RunConfig.Inference.defaults(32), null,
                RunConfig.Compat.NONE, r.settings()));
    }

    /** The tiny Llama with four blocks and tied embeddings. */
    private static Inventory tied() {
        Architecture a = TinyModels.llama(4);
        Traits t = a.traits();
        return TinyModels.inventory(a.withTraits(new Traits(t.norm(), t.normPlacement(), t.normWeight(), t.qkNorm(),
                t.mlp(), t.activation(), t.projections(), t.positions(), t.softcapping(), t.embeddingScale(),
                t.attention(), true, t.parallelBlock())));
    }

    @Test
    void withTiedEmbeddingsTheLastStageKeepsItsOwnCopyOfTheMatrix() {
        // Megatron-LM's second copy of word_embeddings on the last stage: weights v·h·2 B and, after the first
        // backward, its bf16 gradient v·h·2 B on both stages
        Estimate first = estimate(tied(), 2, PipelineLayout.DEFAULT.withStage(StageChoice.FIRST), 2);
        Estimate last = estimate(tied(), 2, PipelineLayout.DEFAULT.withStage(StageChoice.LAST), 2);
        assertEquals(VOCAB_MATRIX, term(first.phase(Phase.LOAD), "weights.embed_tokens.weight"));
        assertEquals(VOCAB_MATRIX, term(last.phase(Phase.LOAD), "weights.embed_tokens.weight"));
        assertEquals(VOCAB_MATRIX, term(last.phase(Phase.OPTIMIZER_STEP), "gradients.embed_tokens.weight"));
        assertEquals(VOCAB_MATRIX, term(first.phase(Phase.OPTIMIZER_STEP), "gradients.embed_tokens.weight"));
    }

    @Test
    void inferenceStagesHoldTheirShareAndTheLastReceivesTheHiddenState() {
        Inventory inv = TinyModels.inventory(TinyModels.llama(4));
        Estimate first = infer(inv, StageChoice.FIRST);
        Estimate last = infer(inv, StageChoice.LAST);
        assertEquals(0, term(first.phase(Phase.LOAD), "weights.lm_head.weight"));
        assertEquals(VOCAB_MATRIX, term(last.phase(Phase.LOAD), "weights.lm_head.weight"));
        assertEquals(0, term(last.phase(Phase.LOAD), "weights.embed_tokens.weight"));
        // the last stage receives the b·s·h hidden state (prefill: 1·32·64·2 B = 4096 B) instead of embedding it
        List<PlanEvent.Alloc> allocs = estimator.plan(inv, inferConfig(StageChoice.LAST)).events().stream()
                .filter(e -> e instanceof PlanEvent.Alloc).map(e -> (PlanEvent.Alloc) e).toList();
        assertEquals(1L * 32 * 64 * 2, allocs.stream().filter(a -> a.name().equals("hidden.from_previous_stage"))
                .findFirst().orElseThrow().bytes());
        assertTrue(allocs.stream().noneMatch(a -> a.name().equals("hidden.embedding_out")));
    }

    private Estimate infer(Inventory inv, StageChoice stage) {
        return estimator.estimate(inv, inferConfig(stage));
    }

    private static RunConfig inferConfig(StageChoice stage) {
        return new RunConfig("i", "tiny", java.util.Map.of(), RunConfig.Task.INFERENCE,
                Precision.BF16, false, Optimizer.NONE, 1, 32, 1, Checkpointing.NONE, AttentionKernel.SDPA,
                Finetune.FULL, new Parallel(1, 0, 1, 2, PipelineLayout.DEFAULT.withStage(stage)), Set.of(),
                new RunConfig.Inference(1, 64, dev.gpumem.units.DType.BF16), null, RunConfig.Compat.NONE);
    }

    @Test
    void oneStageIgnoresTheSchedule() {
        Inventory inv = TinyModels.tiny();
        assertEquals(estimate(inv, 1, PipelineLayout.DEFAULT, 4).phases(),
                estimate(inv, 1, new PipelineLayout(PipelineSchedule.GPIPE, 1, StageChoice.WORST), 4).phases());
    }

    @Test
    void aStageBeyondTheLastIsRefused() {
        BadInputException e = assertThrows(BadInputException.class,
                () -> estimate(TinyModels.tiny(), 2, PipelineLayout.DEFAULT.withStage(StageChoice.of(2)), 2));
        assertTrue(e.getMessage().startsWith("parallel.stage: must be worst, first, last or a stage index 0..1"),
                e.getMessage());
    }
}
