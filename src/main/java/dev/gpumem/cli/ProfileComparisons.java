package dev.gpumem.cli;

import dev.gpumem.compare.Comparison;
import dev.gpumem.estimate.device.Calibration;
import dev.gpumem.io.ProfileFiles;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.Profile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads profile files and sets each against the re-estimate of the request it ran. */
final class ProfileComparisons {
    private ProfileComparisons() {
    }

    static List<Comparison> of(List<Path> files, Workbench bench) {
        if (files == null || files.isEmpty()) {
            throw UserError.badInput("PROFILE: give at least one profile .json file");
        }
        List<Comparison> out = new ArrayList<>();
        for (Path f : files) {
            ProfileFiles.requireRegularFile(f, "PROFILE");
            Profile p = bench.readProfile(f);
            if (p.request() == null) {
                throw UserError.badInput("PROFILE: " + f + " has no estimate request (an external command run"
                        + " without --request); nothing to compare it with");
            }
            Comparison c = Comparison.of(f.getFileName().toString(), p, bench.estimate(p.request()));
            if (p.request().gpu() == null && p.provenance().device().kind() == DeviceInfo.Kind.GPU) {
                // measure fills the gpu from the device it ran on; a profile without one is older than that, or
                // from a card whose architecture could not be told: re-estimated as the runner ran it (a replay
                // plan used the same defaults), but say so
                List<String> notes = new ArrayList<>(c.notes());
                notes.add("the request names no GPU, so it was estimated with the no-GPU device defaults, not "
                        + p.provenance().device().name() + "'s; give the request a gpu to use that card's");
                c = new Comparison(c.label(), c.profile(), c.estimate(), c.errors(), notes);
            }
            for (Calibration cal : bench.calibrations()) {
                if (p.request().gpu() == null || p.request().gpu().arch() != cal.arch()) {
                    List<String> notes = new ArrayList<>(c.notes());
                    notes.add("the calibration for " + cal.arch().wire() + " does not apply: the request's GPU is "
                            + (p.request().gpu() == null ? "not named" : p.request().gpu().arch().wire()));
                    c = new Comparison(c.label(), c.profile(), c.estimate(), c.errors(), notes);
                }
            }
            out.add(c);
        }
        return out;
    }
}
