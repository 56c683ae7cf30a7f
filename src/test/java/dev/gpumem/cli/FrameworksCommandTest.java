package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrameworksCommandTest {
    @Test
    void printsARowPerFrameworkWithItsSources() {
        CliRun r = CliRun.of("frameworks");
        assertEquals(0, r.code(), r.err());
        for (String f : new String[] {"hf", "torchtitan", "torchtune", "lit-gpt", "deepspeed", "megatron", "fsdp1"}) {
            assertTrue(r.out().contains("\n| " + f + " |"), f);
        }
        assertTrue(r.out().contains("distributed/activation_checkpoint.py _apply_op_sac"), r.out());
    }

    @Test
    void anUnknownFrameworkIsAOneLineError() {
        CliRun r = CliRun.of("estimate", "-m", "gpt2", "--framework", "jax");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("framework: unknown value 'jax'"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void explainSaysWhichFrameworkDefaultSetWhat() {
        CliRun r = CliRun.of("estimate", "-m", "gpt2", "--override", "num_hidden_layers=2", "-b", "1", "-s", "64",
                "--framework", "torchtitan", "--dp", "4", "--zero", "3", "--checkpointing", "full", "--explain");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("precision_policy fsdp2_mixed: torchtitan's default"), r.out());
        assertFalse(r.out().contains("checkpointing selective_op: torchtitan's default"), "stated: " + r.out());
    }
}
