package dev.gpumem.cli;

import dev.gpumem.input.BadInputException;
import dev.gpumem.compare.EstimatorOutput;
import dev.gpumem.compare.ValidationScore;
import dev.gpumem.compare.ValidationScorer;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.io.TruthJson;
import dev.gpumem.io.ValidationJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs every published case of a validation folder (requests.jsonl, truth.jsonl, models/) through the estimator
 * and scores the outputs. Model paths in the requests are relative to the project root, the folder's parent.
 */
final class ValidationRun {
    private ValidationRun() {
    }

    static ValidationScore run(Path dir, Workbench bench) throws IOException {
        List<String> requests = lines(dir.resolve("requests.jsonl"));
        List<String> truth = lines(dir.resolve("truth.jsonl"));
        Path root = dir.toAbsolutePath().normalize().getParent();
        List<EstimatorOutput> outputs = new ArrayList<>();
        for (String line : requests) {
            if (line.isBlank()) {
                continue;
            }
            String id = ValidationJson.caseId(line);
            try {
                RunConfig request = rooted(bench.parseRequest(line), root);
                outputs.add(EstimatorOutput.of(request.id().isEmpty() ? id : request.id(), bench.estimate(request)));
            } catch (BadInputException e) {
                outputs.add(EstimatorOutput.failed(id, e.getMessage()));
            }
        }
        return ValidationScorer.score(outputs, TruthJson.parse(truth));
    }

    private static List<String> lines(Path file) throws IOException {
        try {
            return Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw UserError.badInput("--dir: " + file + " not found (a validation folder holds requests.jsonl,"
                    + " truth.jsonl and models/)");
        }
    }

    /** A relative model path that names a file under the project root is resolved against that root. */
    static RunConfig rooted(RunConfig r, Path root) {
        Path model;
        try {
            model = Path.of(r.model());
        } catch (java.nio.file.InvalidPathException e) {
            return r; // not a path (a NUL byte, say): the model resolver refuses it by name, as for any request
        }
        if (model.isAbsolute() || root == null || !Files.exists(root.resolve(model))) {
            return r;
        }
        return new RunConfig(r.id(), root.resolve(model).toString(), r.modelOverrides(), r.task(), r.precision(),
                r.masterWeights(), r.optimizer(), r.batch(), r.seq(), r.gradAccum(), r.checkpointing(), r.attention(),
                r.finetune(), r.parallel(), r.options(), r.inference(), r.gpu(), r.compat(), r.framework());
    }
}
