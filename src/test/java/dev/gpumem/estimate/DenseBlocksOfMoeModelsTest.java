package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gpumem.estimate.RunConfig.AttentionKernel;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.Compat;
import dev.gpumem.estimate.RunConfig.Finetune;
import dev.gpumem.estimate.RunConfig.Inference;
import dev.gpumem.estimate.RunConfig.Optimizer;
import dev.gpumem.estimate.RunConfig.Parallel;
import dev.gpumem.estimate.RunConfig.Precision;
import dev.gpumem.estimate.RunConfig.Task;
import dev.gpumem.model.hf.ModelLoader;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * An MoE model's dense blocks run a dense MLP, not the experts: DeepSeek-V2-Lite's first block
 * ({@code first_k_dense_replace} 1; modeling_deepseek_v3.py: {@code DeepseekV3MoE} only where {@code layer_idx >=
 * first_k_dense_replace}, else a {@code DeepseekV3MLP} of {@code intermediate_size}).
 */
class DenseBlocksOfMoeModelsTest {
    static final String V2_LITE = "src/test/resources/dev/gpumem/model/hf/configs/deepseek-v2-lite.json";

    private static long forwardTerm(Estimate e, String name) {
        return e.phase(Phase.FORWARD).terms().stream().filter(t -> t.name().equals(name))
                .mapToLong(Term::bytes).sum();
    }

    @Test
    void deepseekV2LitesFirstBlockKeepsADenseMlpAndTheOthersTheExperts() {
        RunConfig cfg = new RunConfig("t", V2_LITE, Map.of(), Task.TRAIN, Precision.BF16, false, Optimizer.SGD, 1,
                256, 1, Checkpointing.NONE, AttentionKernel.SDPA, Finetune.FULL, Parallel.SINGLE, Set.of(),
                Inference.defaults(256), null, Compat.NONE);
        Estimate e = new Estimator().estimate(new ModelLoader().load(V2_LITE, Map.of()), cfg);
        // config.json: intermediate_size 10944, moe_intermediate_size 1408, 6 experts a token, 27 blocks, bf16:
        // the dense block's gate output 1·256·10944·2 B, the 26 MoE blocks' routed gate outputs 26·1·256·6·1408·2 B
        assertEquals(256L * 10944 * 2, forwardTerm(e, "mlp.gate_out"));
        assertEquals(26L * 256 * 6 * 1408 * 2, forwardTerm(e, "moe.expert_gate_out"));
    }
}
