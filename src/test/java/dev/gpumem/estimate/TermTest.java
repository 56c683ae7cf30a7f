package dev.gpumem.estimate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class TermTest {
    /** An explanation that counts how often each string is written. */
    private static final class Counting implements Term.Explanation {
        int formulas;
        int values;

        @Override
        public String formula() {
            formulas++;
            return "b·s·h·2 B";
        }

        @Override
        public String values() {
            values++;
            return "4·512·1024·2";
        }
    }

    @Test
    void aLazyTermWritesItsStringsOnlyWhenReadAndOnlyOnce() {
        Counting c = new Counting();
        Term t = Term.lazy("act.x", Component.ACTIVATIONS, Source.HF_MODELING, 4L * 512 * 1024 * 2, c);
        assertEquals(4_194_304L, t.bytes());
        assertEquals("act.x", t.name());
        assertEquals(0, c.formulas + c.values, "nothing read yet");
        assertEquals("b·s·h·2 B", t.formula());
        assertEquals("b·s·h·2 B", t.formula());
        assertEquals("4·512·1024·2", t.values());
        assertEquals(1, c.formulas);
        assertEquals(1, c.values);
    }

    @Test
    void aLazyTermEqualsTheEagerTermWithTheSameStrings() {
        Term lazy = Term.lazy("act.x", Component.ACTIVATIONS, Source.HF_MODELING, 4_194_304L, new Counting());
        Term eager = new Term("act.x", Component.ACTIVATIONS, Source.HF_MODELING, "b·s·h·2 B", "4·512·1024·2",
                4_194_304L);
        assertEquals(eager, lazy);
        assertEquals(eager.hashCode(), lazy.hashCode());
        assertEquals(eager.explain(), lazy.explain());
        assertEquals(eager.toString(), lazy.toString());
        assertNotEquals(eager, new Term("act.x", Component.ACTIVATIONS, Source.HF_MODELING, "b·s·h·2 B",
                "4·512·1024·4", 4_194_304L));
    }
}
