package dev.gpumem.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gpumem.estimate.RunConfig;
import dev.gpumem.estimate.parallel.PipelineLayout;
import dev.gpumem.estimate.parallel.PipelineSchedule;
import dev.gpumem.estimate.parallel.StageChoice;
import dev.gpumem.input.BadInputException;
import org.junit.jupiter.api.Test;

/** parallel.schedule, parallel.virtual_stages and parallel.stage in requests (validation/REQUEST-SCHEMA.md). */
class RequestJsonPipelineTest {
    private final RequestJson json = new RequestJson(GpuPresetsJson.load());

    @Test
    void pipelineFieldsParseAndRoundTrip() {
        RunConfig c = json.parse("{\"model\":\"m\",\"parallel\":{\"pipeline\":4,\"schedule\":\"gpipe\","
                + "\"stage\":\"last\"}}");
        assertEquals(new PipelineLayout(PipelineSchedule.GPIPE, 1, StageChoice.LAST), c.parallel().pipelineLayout());
        assertEquals(c, json.parse(json.toJson(c)));
        RunConfig i = json.parse("{\"model\":\"m\",\"parallel\":{\"pipeline\":4,\"schedule\":\"interleaved_1f1b\","
                + "\"virtual_stages\":3,\"stage\":2}}");
        assertEquals(new PipelineLayout(PipelineSchedule.INTERLEAVED_1F1B, 3, StageChoice.of(2)),
                i.parallel().pipelineLayout());
        assertEquals(i, json.parse(json.toJson(i)));
    }

    @Test
    void interleavedDefaultsToTwoVirtualStagesAndTheRestToOneFOneBOnTheWorstStage() {
        assertEquals(2, json.parse("{\"model\":\"m\",\"parallel\":{\"pipeline\":2,\"schedule\":\"interleaved_1f1b\"}}")
                .parallel().pipelineLayout().virtualStages());
        assertEquals(PipelineLayout.DEFAULT, json.parse("{\"model\":\"m\",\"parallel\":{\"pipeline\":2}}")
                .parallel().pipelineLayout());
    }

    @Test
    void withOnePipelineStageTheDefaultLayoutIsNotEchoed() {
        String line = json.toJson(json.parse("{\"model\":\"m\",\"parallel\":{\"data\":2}}"));
        assertFalse(line.contains("schedule"), line);
        assertTrue(json.toJson(json.parse("{\"model\":\"m\",\"parallel\":{\"pipeline\":2}}"))
                .contains("\"schedule\":\"1f1b\""));
    }

    @Test
    void badPipelineFieldsNameTheFieldAndTheAcceptedValues() {
        assertMessage("parallel.schedule: unknown value 'zero_bubble'; accepted: gpipe, 1f1b, interleaved_1f1b",
                "{\"model\":\"m\",\"parallel\":{\"pipeline\":2,\"schedule\":\"zero_bubble\"}}");
        assertMessage("parallel.stage: unknown value -1; accepted: worst, first, last or a stage index 0..pipeline-1",
                "{\"model\":\"m\",\"parallel\":{\"pipeline\":2,\"stage\":-1}}");
        assertMessage("parallel.virtual_stages: applies only to schedule interleaved_1f1b (got schedule 1f1b with "
                + "virtual_stages 2)", "{\"model\":\"m\",\"parallel\":{\"pipeline\":2,\"virtual_stages\":2}}");
    }

    private void assertMessage(String expected, String request) {
        BadInputException e = assertThrows(BadInputException.class, () -> json.parse(request));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
}
