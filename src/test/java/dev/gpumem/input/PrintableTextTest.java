package dev.gpumem.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class PrintableTextTest {

    @Test
    void terminalControlBytesBecomeVisibleEscapes() {
        assertEquals("a\\e[2Jb", PrintableText.escape("a\u001b[2Jb"));     // ESC: clear screen
        assertEquals("x\\0y", PrintableText.escape("x\0y"));
        assertEquals("over\\rwrite", PrintableText.escape("over\rwrite"));  // CR would overwrite the line
        assertEquals("one\\ntwo", PrintableText.escape("one\ntwo"));
        assertEquals("\\x07\\x7f\\x9b", PrintableText.escape("\u0007\u007f\u009b"));  // BEL, DEL, C1 CSI
        assertEquals("\\u202eevil", PrintableText.escape("\u202eevil"));   // right-to-left override
    }

    @Test
    void printableTextTabsAndNonAsciiLettersStayAsTheyAre() {
        String s = "phase\tforward — GiB Größe 1024";
        assertSame(s, PrintableText.escape(s));
        assertNull(PrintableText.escape(null));
    }
}
