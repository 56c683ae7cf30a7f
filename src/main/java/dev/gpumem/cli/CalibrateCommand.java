package dev.gpumem.cli;

import dev.gpumem.compare.Calibrator;
import dev.gpumem.compare.DeviceCalibration;
import dev.gpumem.io.AtomicFiles;
import dev.gpumem.io.CalibrationJson;
import dev.gpumem.units.ByteFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code gpumem calibrate}: fits device-level constants for one GPU model from its real profiles. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Fits the device-level constants of one GPU model (CUDA context, library workspaces,"
            + " allocator slack) from its real GPU profiles by medians of residuals, prints them and the residuals,"
            + " and writes the calibration file. CPU and stub profiles, and profiles of different GPU models, are"
            + " refused (exit 2)."})
public final class CalibrateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "PROFILE", arity = "1..*", description = "GPU profile .json files of one GPU model")
    List<Path> profiles;

    @Option(names = "--out", paramLabel = "FILE",
            description = "calibration file to write (default: results/calibration/<gpu-slug>.json)")
    Path out;

    final Workbench bench;

    public CalibrateCommand() {
        this(new Workbench());
    }

    CalibrateCommand(Workbench bench) {
        this.bench = bench;
    }

    @Override
    public Integer call() throws IOException {
        DeviceCalibration cal = new Calibrator(VersionProvider.version(), ToolInfo.gitCommit())
                .fit(ProfileComparisons.of(profiles, bench));
        Path target = out != null ? out : Path.of("results", "calibration", cal.gpuSlug() + ".json");
        AtomicFiles.writeString(target, CalibrationJson.toJson(cal));
        PrintWriter w = spec.commandLine().getOut();
        w.println("calibration for " + cal.gpuName() + " (" + cal.arch().wire() + ") from "
                + cal.sourceProfiles().size() + " profile(s), " + cal.method());
        w.println("  context_bytes   " + ByteFormat.grouped(cal.contextBytes()) + " (" + ByteFormat.mib(cal.contextBytes()) + ")");
        w.println("  workspace_bytes " + ByteFormat.grouped(cal.workspaceBytes()) + " ("
                + ByteFormat.mib(cal.workspaceBytes()) + ")");
        w.println(String.format(Locale.ROOT, "  allocator_slack_factor %.4f", cal.allocatorSlackFactor()));
        w.println("residuals (measured − fitted device bytes, MiB):");
        for (DeviceCalibration.Residual r : cal.residuals()) {
            w.println(String.format(Locale.ROOT, "  %-40s %-16s %+10.2f", r.profile(), r.phase(),
                    r.residualBytes() / (double) ByteFormat.MIB));
        }
        cal.notes().forEach(n -> w.println("note: " + n));
        w.println("wrote " + target);
        w.flush();
        return ExitCode.OK.code();
    }
}
