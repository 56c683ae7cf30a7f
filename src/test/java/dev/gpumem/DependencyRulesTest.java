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
 * Reads the sources' import lines and every fully-qualified name written inline in code (comments and string
 * literals left out), so a violation names the file and the import or the inline name.
 */
class DependencyRulesTest {
    private static final Path SRC = Path.of("src/main/java/dev/gpumem");
    private static final Pattern IMPORT = Pattern.compile("^import\\s+(static\\s+)?([\\w.]+)", Pattern.MULTILINE);
    /** a qualified name of a package the rules guard, written in code without an import */
    private static final Pattern INLINE = Pattern.compile("(?<![\\w.])(?:dev\\.gpumem(?:\\.[a-z_]\\w*)*(?:\\.[A-Z]\\w*)?"
            + "|(?:org\\.bytedeco|ai\\.djl|com\\.fasterxml|org\\.apache\\.commons\\.compress)(?:\\.\\w+)*)");
    private static final Pattern HEADER_LINE = Pattern.compile("^\\s*(?:package|import)\\s[^;]*;", Pattern.MULTILINE);

    /** A use of {@code target} in a file of {@code fromPackage}: an import, or a name written inline. */
    private record Import(String fromPackage, String file, String target, boolean inline) {
        String describe() {
            return file + (inline ? " names inline " : " imports ") + target;
        }
    }

    private static List<Import> imports() {
        List<Import> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SRC)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = "dev.gpumem." + SRC.relativize(f.getParent()).toString().replace('/', '.');
                out.addAll(uses(pkg, SRC.relativize(f).toString(), Files.readString(f)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertFalse(out.isEmpty(), "no sources found under " + SRC.toAbsolutePath());
        return out;
    }

    /** @return the imports of one source file, then the guarded names it writes inline in code */
    static List<Import> uses(String pkg, String file, String source) {
        List<Import> out = new ArrayList<>();
        Matcher m = IMPORT.matcher(source);
        while (m.find()) {
            out.add(new Import(pkg, file, m.group(2), false));
        }
        Matcher q = INLINE.matcher(HEADER_LINE.matcher(codeOnly(source)).replaceAll(""));
        while (q.find()) {
            out.add(new Import(pkg, file, q.group(), true));
        }
        return out;
    }

    /** @return the source with comments, string, text-block and char literals blanked (their lengths kept) */
    static String codeOnly(String src) {
        StringBuilder out = new StringBuilder(src.length());
        int i = 0;
        while (i < src.length()) {
            char c = src.charAt(i);
            int end;
            if (src.startsWith("//", i)) {
                end = src.indexOf('\n', i);
                end = end < 0 ? src.length() : end;
            } else if (src.startsWith("/*", i)) {
                end = src.indexOf("*/", i + 2);
                end = end < 0 ? src.length() : end + 2;
            } else if (src.startsWith("\"\"\"", i)) {
                end = src.indexOf("\"\"\"", i + 3);
                while (end > 0 && src.charAt(end - 1) == '\\') {
                    end = src.indexOf("\"\"\"", end + 1);
                }
                end = end < 0 ? src.length() : end + 3;
            } else if (c == '"' || c == '\'') {
                end = i + 1;
                while (end < src.length() && src.charAt(end) != c && src.charAt(end) != '\n') {
                    end += src.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, src.length());
            } else {
                out.append(c);
                i++;
                continue;
            }
            for (int k = i; k < end; k++) {
                out.append(src.charAt(k) == '\n' ? '\n' : ' ');
            }
            i = end;
        }
        return out.toString();
    }

    private static void assertNone(String rule, Predicate<Import> violation) {
        List<String> bad = imports().stream().filter(violation).map(Import::describe).toList();
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
    void aNameWrittenInlineInCodeCountsLikeAnImportButNotInCommentsOrStrings() {
        String source = "package dev.gpumem.measure.run;\n"
                + "import java.util.List;\n"
                + "/** see {@link dev.gpumem.cli.Main} and org.bytedeco.javacpp.Loader */\n"
                + "class X { // dev.gpumem.report.Cells\n"
                + "  String s = \"org.bytedeco.cuda.global.cudart\"; char c = '\"';\n"
                + "  String t = \"\"\"\n    ai.djl.Model\n    \"\"\";\n"
                + "  long v = org.bytedeco.cuda.global.cudart.cudaMemGetInfo(a, b);\n"
                + "  dev.gpumem.measure.cuda.CudaProbe p = dev.gpumem.estimate.Estimator.of(x);\n"
                + "}\n";
        List<String> found = uses("dev.gpumem.measure.run", "X.java", source).stream().map(Import::describe).toList();
        assertEquals(List.of("X.java imports java.util.List",
                "X.java names inline org.bytedeco.cuda.global.cudart.cudaMemGetInfo",
                "X.java names inline dev.gpumem.measure.cuda.CudaProbe",
                "X.java names inline dev.gpumem.estimate.Estimator"), found);
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
    void measurementReadsPlansButNeverCallsTheEstimatorOrTheModelReader() {
        assertNone("measure uses estimate data (plan, allocator model, vocabulary) and the model handed in, never the"
                        + " Estimator or the model reader",
                i -> in(i, "dev.gpumem.measure")
                        && (i.target().equals("dev.gpumem.estimate.Estimator")
                                || i.target().startsWith("dev.gpumem.model.hf")
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
