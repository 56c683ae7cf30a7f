package dev.gpumem.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.compare.Limits;
import dev.gpumem.compare.Verdict;
import dev.gpumem.compare.VerdictCase;
import dev.gpumem.estimate.Level;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class JunitXmlWriterTest {

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void oneTestcasePerRankPhaseAndLevelWithAFailurePerBreach() throws Exception {
        Verdict v = new Verdict(List.of(
                new VerdictCase("a<&>.json", 0, "forward", Level.ALLOCATED, 100L, 100L, 1, List.of()),
                new VerdictCase("a<&>.json", 1, "forward", Level.ALLOCATED, 150L, 100L, 1,
                        List.of("error -33.33% above --max-error 5.00% \"quoted\"")),
                new VerdictCase("b.json", null, "whole_run", Level.DEVICE, 7L, null, 0, List.of())),
                Limits.NONE, List.of());
        Document d = parse(JunitXmlWriter.render(v));
        assertEquals("3", d.getDocumentElement().getAttribute("tests"));
        assertEquals("1", d.getDocumentElement().getAttribute("failures"));
        assertEquals(2, d.getElementsByTagName("testsuite").getLength(), "one suite per profile");
        assertEquals(3, d.getElementsByTagName("testcase").getLength());
        assertEquals("rank 1/forward/allocated",
                ((org.w3c.dom.Element) d.getElementsByTagName("testcase").item(1)).getAttribute("name"));
        assertEquals("error -33.33% above --max-error 5.00% \"quoted\"",
                ((org.w3c.dom.Element) d.getElementsByTagName("failure").item(0)).getAttribute("message"));
        assertTrue(d.getElementsByTagName("system-out").item(0).getTextContent().contains("measured 0.00 MiB"));
    }
}
