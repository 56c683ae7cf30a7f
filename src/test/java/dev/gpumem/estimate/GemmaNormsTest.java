package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.model.hf.ModelLoader;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Gemma's RMSNorm ({@code self._norm(x.float()) * (1.0 + self.weight.float())}, then {@code type_as(x)}) keeps its
 * fp32 input copy and the fp32 normalised input (the mul with the trained weight keeps it), 8 B per element of
 * b·s·h; Gemma 2 adds norms on the attention and MLP outputs: four per block. b = 1, s = 64, pure bf16.
 * gemma-2b: 18 blocks, h 2048; gemma2-2b: 26 blocks, h 2304; plus the final norm.
 */
class GemmaNormsTest {
    private static final String CONFIGS = "src/test/resources/dev/gpumem/model/hf/configs/";
    private final Estimator estimator = new Estimator();

    private PhaseEstimate loss(String config) {
        return loss(config, AttentionKernel.SDPA);
    }

    private PhaseEstimate loss(String config, AttentionKernel kernel) {
        String model = CONFIGS + config;
        return estimator.estimate(new ModelLoader().load(model, Map.of()), new RunConfig("t", model, Map.of(),
                RunConfig.Task.TRAIN, Precision.BF16, false, Optimizer.SGD, 1, 64, 1, Checkpointing.NONE,
                kernel, Finetune.FULL, Parallel.SINGLE, Set.of(), RunConfig.Inference.defaults(64),
                null, RunConfig.Compat.NONE)).phase(Phase.LOSS);
    }

    @Test
    void gemma2SoftcapsTheLogitsAndTheEagerScoresAndKeepsTheTanhOutputs() {
        // final_logit_softcapping: tanh(logits / 30) keeps b·s·v = 1·64·256,000 bf16
        assertEquals(64L * 256_000 * 2, term(loss("gemma2-2b.json"), "logits.softcap_tanh"));
        // attn_logit_softcapping (eager): tanh(scores / 50) keeps b·a·s·s = 1·8·64·64 bf16 per block
        PhaseEstimate eager = loss("gemma2-2b.json", AttentionKernel.EAGER);
        assertEquals(26L * 8 * 64 * 64 * 2, term(eager, "attn.scores_softcap_tanh"));
        assertEquals(0, term(loss("gemma2-2b.json"), "attn.scores_softcap_tanh"));
        assertEquals(0, term(loss("gemma-2b.json"), "logits.softcap_tanh"));
    }

    private static long term(PhaseEstimate p, String name) {
        return p.terms().stream().filter(t -> t.name().equals(name)).mapToLong(Term::bytes).sum();
    }

    @Test
    void gemmaKeepsItsNormalisedInputInFp32() {
        PhaseEstimate p = loss("gemma-2b.json");
        long bsh = 64L * 2048;
        assertEquals((2 * 18 + 1) * bsh * 4, term(p, "norm.normalized_fp32"));
        assertEquals((2 * 18 + 1) * bsh * 4, term(p, "norm.input_fp32"));
        assertEquals(0, term(p, "norm.normalized"));           // Llama's bf16 copy does not exist
    }

    @Test
    void gemma2NormsBothBranchOutputsToo() {
        PhaseEstimate p = loss("gemma2-2b.json");
        long bsh = 64L * 2304;
        assertEquals((4 * 26 + 1) * bsh * 4, term(p, "norm.normalized_fp32"));
        assertEquals((4 * 26 + 1) * bsh * 4, term(p, "norm.input_fp32"));
        // the pre-norm outputs are kept by the q/k/v and gate/up linears; the post-norm outputs only feed the adds
        assertEquals((2 * 26 + 1) * bsh * 2, term(p, "norm.out"));
    }
}
