package dev.gpumem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the package arrows of the architecture true (code-style-anchors.md §7.2): model → estimate → measure →
 * compare → report, a thin cli on top; native bindings and libraries confined to the packages that own them.
 * Reads the sources' import lines, so a violation names the file and the import.
 */
class DependencyRulesTest {
    private static final Path SRC = Path.of("src/main/java/dev/gpumem");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);

    private record Import(String fromPackage, String file, String target) {
    }

    private static List<Import> imports() {
        List<Import> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SRC)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = "dev.gpumem." + SRC.relativize(f.getParent()).toString().replace('/', '.');
                Matcher m = IMPORT.matcher(Files.readString(f));
                while (m.find()) {
                    out.add(new Import(pkg, SRC.relativize(f).toString(), m.group(2)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertFalse(out.isEmpty(), "no sources found under " + SRC.toAbsolutePath());
        return out;
    }

    private static void assertNone(String rule, Predicate<Import> violation) {
        List<String> bad = imports().stream().filter(violation).map(i -> i.file() + " imports " + i.target()).toList();
        assertEquals(List.of(), bad, rule);
    }

    private static boolean in(Import i, String... packages) {
        for (String p : packages) {
            if (i.fromPackage().equals(p) || i.fromPackage().startsWith(p + ".")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void onlyDeviceBindingPackagesImportJavaCpp() {
        assertNone("JavaCPP belongs to measure.nvml, measure.cuda and measure.host",
                i -> i.target().startsWith("org.bytedeco")
                        && !in(i, "dev.gpumem.measure.nvml", "dev.gpumem.measure.cuda", "dev.gpumem.measure.host"));
    }

    @Test
    void onlyTheDjlRunnerImportsDjl() {
        assertNone("DJL belongs to measure.djl", i -> i.target().startsWith("ai.djl") && !in(i, "dev.gpumem.measure.djl"));
    }

    @Test
    void onlyIoImportsCommonsCompress() {
        assertNone("commons-compress belongs to io (the gpu-check archive)",
                i -> i.target().startsWith("org.apache.commons.compress") && !in(i, "dev.gpumem.io"));
    }

    @Test
    void onlyIoAndConfigReadersImportJackson() {
        assertNone("Jackson belongs to io (and the config/safetensors readers of model.hf)",
                i -> i.target().startsWith("com.fasterxml") && !in(i, "dev.gpumem.io", "dev.gpumem.model.hf"));
    }

    @Test
    void modelAndUnitsDependOnNothingAbove() {
        assertNone("model and units must not know runs, devices, files or the CLI",
                i -> in(i, "dev.gpumem.model", "dev.gpumem.units", "dev.gpumem.names")
                        && (i.target().startsWith("dev.gpumem.estimate") || i.target().startsWith("dev.gpumem.measure")
                                || i.target().startsWith("dev.gpumem.compare") || i.target().startsWith("dev.gpumem.report")
                                || i.target().startsWith("dev.gpumem.io") || i.target().startsWith("dev.gpumem.cli")));
    }

    @Test
    void inputDependsOnNoOtherPackage() {
        assertNone("input (the bad-input exception, printable text) lies below every package",
                i -> in(i, "dev.gpumem.input") && i.target().startsWith("dev.gpumem.")
                        && !i.target().startsWith("dev.gpumem.input."));
    }

    @Test
    void estimatorTouchesNoDeviceFileOrCli() {
        assertNone("estimate must not depend on measure, compare, report, io or cli",
                i -> in(i, "dev.gpumem.estimate")
                        && (i.target().startsWith("dev.gpumem.measure") || i.target().startsWith("dev.gpumem.compare")
                                || i.target().startsWith("dev.gpumem.report") || i.target().startsWith("dev.gpumem.io")
                                || i.target().startsWith("dev.gpumem.cli")));
    }

    @Test
    void measurementReadsPlansButNeverCallsTheEstimator() {
        assertNone("measure uses estimate data (plan, allocator model, vocabulary), never the Estimator",
                i -> in(i, "dev.gpumem.measure") && !in(i, "dev.gpumem.measure.run")
                        && (i.target().equals("dev.gpumem.estimate.Estimator")
                                || i.target().startsWith("dev.gpumem.compare")
                                || i.target().startsWith("dev.gpumem.report")
                                || i.target().startsWith("dev.gpumem.cli")));
    }

    @Test
    void nothingButTheCliImportsTheCli() {
        assertNone("cli sits on top", i -> i.target().startsWith("dev.gpumem.cli") && !in(i, "dev.gpumem.cli"));
    }

    @Test
    void everyPackageSaysWhatItOwns() throws IOException {
        try (Stream<Path> dirs = Files.walk(SRC)) {
            List<String> missing = dirs.filter(Files::isDirectory)
                    .filter(d -> {
                        try (Stream<Path> l = Files.list(d)) {
                            return l.anyMatch(p -> p.toString().endsWith(".java"));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .filter(d -> !Files.exists(d.resolve("package-info.java")))
                    .map(Path::toString).toList();
            assertEquals(List.of(), missing, "packages without package-info.java");
        }
    }
}
