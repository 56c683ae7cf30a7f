package dev.gpumem.cli;

import dev.gpumem.compare.Limits;
import dev.gpumem.compare.Verdict;
import dev.gpumem.io.AtomicFiles;
import dev.gpumem.report.JunitXmlWriter;
import dev.gpumem.units.ByteFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * The CI verdict's options, shared by {@code measure} and {@code compare} (docs/ci-verdicts.md): the limits, and
 * where the JUnit XML goes. Exit 1 on a breach, with the verdict line on stdout (and on stderr when it fails).
 */
final class VerdictOptions {
    private static final Pattern SIZE = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(B|KiB|MiB|GiB|TiB)?");

    @Option(names = "--max-error", paramLabel = "PCT",
            description = "exit 1 when any |error| (estimate − measured, per rank, phase and level, and the run-wide "
                    + "peak) exceeds PCT percent of the measured value")
    Double maxErrorPercent;

    @Option(names = "--max-peak", paramLabel = "SIZE",
            description = "exit 1 when any measured peak (per rank, phase and level, and run-wide) exceeds SIZE: "
                    + "bytes, or with a unit KiB, MiB, GiB, TiB (1024-based), e.g. 70GiB")
    String maxPeak;

    @Option(names = "--budget-from", paramLabel = "PROFILE.json",
            description = "a baseline profile whose measured peaks per rank, phase and level are the budget: exit 1 "
                    + "when one is exceeded by more than --rtol")
    Path budgetFrom;

    @Option(names = "--rtol", paramLabel = "FRACTION", defaultValue = "0.05",
            description = "relative tolerance on the --budget-from peaks (default 0.05: 5 %%)")
    double rtol;

    @Option(names = "--junit", paramLabel = "FILE.xml",
            description = "write the verdict as JUnit XML: one testcase per rank × phase × level (written atomically)")
    Path junit;

    /** @return the limits asked for; the budget profile read through {@code bench} */
    Limits limits(Workbench bench) {
        if (maxErrorPercent != null && !(maxErrorPercent >= 0) || maxErrorPercent != null
                && maxErrorPercent.isInfinite()) {
            throw UserError.badInput("--max-error: must be a percentage ≥ 0, got " + maxErrorPercent);
        }
        if (!(rtol >= 0) || Double.isInfinite(rtol)) {
            throw UserError.badInput("--rtol: must be a fraction ≥ 0 (0.05 = 5 %), got " + rtol);
        }
        Long peak = maxPeak == null ? null : parseSize("--max-peak", maxPeak);
        if (budgetFrom != null && !Files.isRegularFile(budgetFrom)) {
            throw UserError.badInput("--budget-from: no such file: " + budgetFrom);
        }
        return new Limits(maxErrorPercent, peak, budgetFrom == null ? null : bench.readProfile(budgetFrom), rtol);
    }

    /** @return true when the verdict has to be worked out (a limit, or --junit) */
    boolean wanted() {
        return maxErrorPercent != null || maxPeak != null || budgetFrom != null || junit != null;
    }

    /** @return bytes of "123", "123B", "512MiB", "1.5 GiB" */
    static long parseSize(String option, String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw UserError.badInput(option + ": '" + text + "' is not a size; accepted: bytes, or a number with "
                    + "KiB, MiB, GiB or TiB (1024-based), e.g. 70GiB");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        long scale = switch (unit) {
            case "KiB" -> ByteFormat.KIB;
            case "MiB" -> ByteFormat.MIB;
            case "GiB" -> ByteFormat.GIB;
            case "TiB" -> 1024L * ByteFormat.GIB;
            default -> 1L;
        };
        double bytes = v * scale;
        if (bytes > Long.MAX_VALUE) {
            throw UserError.badInput(option + ": '" + text + "' is too large");
        }
        return Math.round(bytes);
    }

    /**
     * Prints the verdict line (stdout, and stderr when it failed), writes --junit, and returns the exit code.
     *
     * @param printLine false when the line is already in the output (Markdown puts it first)
     */
    int report(Verdict verdict, PrintWriter out, PrintWriter err, boolean printLine) {
        if (junit != null) {
            try {
                Path parent = junit.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                AtomicFiles.writeString(junit, JunitXmlWriter.render(verdict));
            } catch (IOException e) {
                throw new UserError(ExitCode.INTERNAL, "cannot write --junit " + junit + ": " + e.getMessage(), e);
            }
        }
        if (printLine) {
            out.println(verdict.line());
        }
        for (String n : verdict.notes()) {
            err.println("gpumem: note: " + n);
        }
        out.flush();
        if (verdict.passed()) {
            err.flush();
            return ExitCode.OK.code();
        }
        err.println(verdict.line());
        err.flush();
        return ExitCode.VERDICT_NEGATIVE.code();
    }
}
