package dev.gpumem.measure.external;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the Python marker helper's own unit tests (python/test_gpumem_markers.py) under JUnit: once with the
 * {@code python3} on PATH (standard library only: the torch tests skip there with a reason) and once with
 * {@code /usr/bin/python3}, where Debian's python3-torch is installed in CI (its torch tests run there, or skip
 * with the reason when it is absent).
 */
class PythonMarkerHelperTest {
    private static final Path PYTHON_DIR = Path.of("python");

    private static String unittest(String python) throws IOException, InterruptedException {
        assumeTrue(Files.isRegularFile(PYTHON_DIR.resolve("test_gpumem_markers.py")), "run from the repository root");
        Process p;
        try {
            // -B: no __pycache__ in the source tree
            p = new ProcessBuilder(python, "-B", "-m", "unittest", "-v", "test_gpumem_markers")
                    .directory(PYTHON_DIR.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, python + " is not installed");
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the Python tests did not finish in 120 s");
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void theHelpersTestsPassWithTheStandardLibraryOnly() throws Exception {
        String out = unittest("python3");
        assertTrue(out.contains("OK"), out);
        assertTrue(out.contains("test_cpu_torch_is_never_asked_for_cuda"), "the tests ran verbosely: " + out);
    }

    @Test
    void theHelpersTestsPassWithTheSystemPythonWhereTorchMayBeInstalled() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "/usr/bin/python3 is not installed");
        String out = unittest("/usr/bin/python3");
        assertTrue(out.contains("OK"), out);
        if (!out.contains("test_hooks_on_a_real_module_mark_forward_and_loss ... ok")) {
            // said, not hidden: the torch tests skipped (the reason is in the output)
            System.out.println("PythonMarkerHelperTest: torch tests skipped under /usr/bin/python3: " 
                    + out.lines().filter(l -> l.contains("skipped")).findFirst().orElse("?"));
        }
    }
}
