package dev.gpumem.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.gpumem.estimate.RunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidationRunRootedTest {
    @TempDir
    Path root;

    private static RunConfig request(String model) {
        return RunConfig.training(model, RunConfig.Precision.FP32, RunConfig.Optimizer.ADAMW, 1, 8);
    }

    @Test
    void aModelFileUnderTheRootIsResolvedAgainstIt() throws Exception {
        Files.createDirectories(root.resolve("validation/models"));
        Files.writeString(root.resolve("validation/models/m.json"), "{}");
        assertEquals(root.resolve("validation/models/m.json").toString(),
                ValidationRun.rooted(request("validation/models/m.json"), root).model());
    }

    @Test
    void aModelNameThatIsNoPathIsLeftToTheResolverInsteadOfFailingInternally() {
        // a NUL byte cannot be in a path (InvalidPathException was an internal error, exit 70, in validate)
        RunConfig r = request("validation/models/gp\0t2.json");
        assertSame(r, ValidationRun.rooted(r, root));
    }
}
