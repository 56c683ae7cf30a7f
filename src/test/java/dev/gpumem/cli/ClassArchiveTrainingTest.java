package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import org.junit.jupiter.api.Test;

class ClassArchiveTrainingTest {
    @Test
    void everyCommandOfTheTrainingRunStillParsesAndRuns() {
        // scripts/gpumem archives the classes this run loads; a renamed option would leave a command out
        assertDoesNotThrow(() -> ClassArchiveTraining.main(new String[0]));
    }
}
