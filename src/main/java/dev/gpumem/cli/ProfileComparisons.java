package dev.gpumem.cli;

import dev.gpumem.compare.Comparison;
import dev.gpumem.measure.Profile;
import java.nio.file.Files;
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
            if (!Files.isRegularFile(f)) {
                throw UserError.badInput("PROFILE: no such file: " + f);
            }
            Profile p = bench.readProfile(f);
            if (p.request() == null) {
                throw UserError.badInput("PROFILE: " + f + " has no estimate request (an external command run"
                        + " without --request); nothing to compare it with");
            }
            out.add(Comparison.of(f.getFileName().toString(), p, bench.estimate(p.request())));
        }
        return out;
    }
}
