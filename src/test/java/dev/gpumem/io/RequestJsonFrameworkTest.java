package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.Framework;
import dev.gpumem.estimate.FrameworkSettings;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.RunConfig.Checkpointing;
import dev.gpumem.estimate.RunConfig.LossImpl;
import dev.gpumem.estimate.RunConfig.OptimizerImpl;
import dev.gpumem.estimate.RunConfig.PrecisionPolicy;
import dev.gpumem.estimate.RunConfig.RunOption;
import dev.gpumem.units.DType;
import org.junit.jupiter.api.Test;

class RequestJsonFrameworkTest {
    private final RequestJson json = new RequestJson(GpuPresetsJson.load());

    private RunConfig parse(String s) {
        return json.parse(s);
    }

    @Test
    void noFrameworkIsHfWithEverySemanticAtItsDefault() {
        RunConfig c = parse("{\"model\": \"gpt2\"}");
        assertEquals(FrameworkSettings.HF, c.framework());
        assertEquals(Checkpointing.NONE, c.checkpointing());
        assertTrue(c.options().isEmpty());
    }

    @Test
    void torchtuneSetsChunkedLossFusedAdamWFullCheckpointingAndModelDtypeAdapters() {
        RunConfig c = parse("{\"model\": \"gpt2\", \"precision\": \"bf16\", \"framework\": \"torchtune\", "
                + "\"finetune\": {\"method\": \"lora\", \"targets\": [\"c_attn\"]}}");
        assertEquals(Framework.TORCHTUNE, c.framework().framework());
        assertEquals(Checkpointing.FULL, c.checkpointing());
        assertTrue(c.options().contains(RunOption.CHUNKED_LOSS));
        assertTrue(c.options().contains(RunOption.FUSED_OPTIMIZER));
        assertEquals(DType.BF16, c.finetune().adapterDtype());
        assertTrue(c.framework().fromFramework().get(Framework.Semantic.LOSS).contains("torchtune's default"));
    }

    @Test
    void aStatedFieldBeatsTheFrameworksDefault() {
        RunConfig c = parse("{\"model\": \"gpt2\", \"precision\": \"bf16\", \"framework\": \"torchtune\", "
                + "\"checkpointing\": \"none\", \"loss\": \"fp32_upcast\", \"optimizer_impl\": \"foreach\"}");
        assertEquals(Checkpointing.NONE, c.checkpointing());
        assertEquals(LossImpl.FP32_UPCAST, c.framework().loss());
        assertEquals(OptimizerImpl.FOREACH, c.framework().optimizerImpl());
        assertTrue(c.options().isEmpty());
        assertNull(c.framework().fromFramework().get(Framework.Semantic.CHECKPOINTING));
    }

    @Test
    void torchtitanOnSeveralRanksIsFsdp2MixedWithPerOpSac() {
        RunConfig c = parse("{\"model\": \"gpt2\", \"framework\": \"torchtitan\", "
                + "\"parallel\": {\"data\": 8, \"zero\": 3}}");
        assertEquals(PrecisionPolicy.FSDP2_MIXED, c.framework().precisionPolicy());
        assertEquals(Checkpointing.SELECTIVE_OP, c.checkpointing());
        RunConfig one = parse("{\"model\": \"gpt2\", \"framework\": \"torchtitan\"}");
        assertEquals(PrecisionPolicy.AUTOCAST, one.framework().precisionPolicy());   // maybe_enable_amp
    }

    @Test
    void anAbsentZeroTakesTheFrameworksShardingAndAStatedZeroWins() {
        RunConfig absent = parse("{\"model\": \"gpt2\", \"framework\": \"torchtitan\", \"parallel\": {\"data\": 8}}");
        assertEquals(3, absent.parallel().zero());
        assertTrue(absent.framework().fromFramework().get(Framework.Semantic.SHARDING).contains("torchtitan's default"));
        RunConfig zero = parse("{\"model\": \"gpt2\", \"framework\": \"torchtitan\", "
                + "\"parallel\": {\"data\": 8, \"zero\": 0}}");
        assertEquals(0, zero.parallel().zero());
        assertNull(zero.framework().fromFramework().get(Framework.Semantic.SHARDING));
        assertEquals(0, parse("{\"model\": \"gpt2\", \"parallel\": {\"data\": 8}}").parallel().zero());
        assertEquals(0, parse("{\"model\": \"gpt2\", \"framework\": \"deepspeed\", "
                + "\"parallel\": {\"data\": 8}}").parallel().zero());
        // the tree writes the resolved stage out, so a round trip keeps it
        assertEquals(3, json.fromTree(json.toTree(absent)).parallel().zero());
    }

    @Test
    void useOrigParamsIsLitGptsDefaultForShardedLoraAndCanBeStatedOff() {
        String lora = "\"model\": \"gpt2\", \"precision\": \"bf16\", \"framework\": \"lit-gpt\", "
                + "\"finetune\": {\"method\": \"lora\", \"targets\": [\"c_attn\"]}, \"parallel\": {\"data\": 2}";
        assertTrue(parse("{" + lora + "}").framework().useOrigParams());
        assertTrue(!parse("{" + lora + ", \"use_orig_params\": false}").framework().useOrigParams());
        var e = assertThrows(IllegalArgumentException.class, () -> parse("{\"model\": \"gpt2\", "
                + "\"use_orig_params\": true}"));
        assertTrue(e.getMessage().startsWith("use_orig_params: "), e.getMessage());
    }

    @Test
    void contradictionsAndUnknownValuesAreOneSentenceErrors() {
        var e1 = assertThrows(IllegalArgumentException.class, () -> parse("{\"model\": \"gpt2\", "
                + "\"loss\": \"fp32_upcast\", \"options\": [\"chunked_loss\"]}"));
        assertTrue(e1.getMessage().startsWith("loss: "), e1.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> parse("{\"model\": \"gpt2\", "
                + "\"framework\": \"jax\"}"));
        assertTrue(e2.getMessage().startsWith("framework: unknown value 'jax'"), e2.getMessage());
        var e3 = assertThrows(IllegalArgumentException.class, () -> parse("{\"model\": \"gpt2\", "
                + "\"loss\": \"loss_parallel\"}"));
        assertTrue(e3.getMessage().contains("parallel.tensor > 1"), e3.getMessage());
        var e4 = assertThrows(IllegalArgumentException.class, () -> parse("{\"model\": \"gpt2\", "
                + "\"finetune\": {\"method\": \"lora\", \"lora_dropout\": 1.5}}"));
        assertTrue(e4.getMessage().startsWith("finetune.lora_dropout:"), e4.getMessage());
    }

    @Test
    void aFrameworkRequestRoundTripsThroughItsTree() {
        RunConfig c = parse("{\"model\": \"gpt2\", \"precision\": \"bf16\", \"framework\": \"lit-gpt\", "
                + "\"finetune\": {\"method\": \"lora\", \"targets\": [\"c_attn\"]}}");
        RunConfig back = json.fromTree(json.toTree(c));
        assertEquals(c.framework().framework(), back.framework().framework());
        assertEquals(c.framework().loraDropout(), back.framework().loraDropout());
        assertEquals(c.framework().modelCode(), back.framework().modelCode());
        assertEquals(c.options(), back.options());
        assertEquals(c.finetune(), back.finetune());
    }
}
