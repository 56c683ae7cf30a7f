package dev.gpumem.cli;

import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.AtomicFiles;
import dev.gpumem.io.GpuPresetsJson;
import dev.gpumem.io.RequestJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the request a measured command runs against ({@code GPUMEM_REQUEST}) into the run's folder before the
 * child starts: the request as gpumem planned it, with the GPU filled in from the device, so a script can size
 * itself from it (python/gpumem_markers.py's {@code request()}).
 */
final class ChildRequest {
    static final String FILE = "request.json";

    private ChildRequest() {
    }

    /** @return the file written: {@code workDir/request.json} */
    static Path write(RunConfig request, Path workDir) {
        Path file = workDir.resolve(FILE);
        try {
            Files.createDirectories(workDir);
            AtomicFiles.writeString(file, new RequestJson(GpuPresetsJson.load()).toJson(request));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the request for the command to " + file + ": "
                    + e.getMessage(), e);
        }
        return file;
    }
}
