package dev.gpumem.compare;

import java.util.List;
import java.util.Optional;

/**
 * A multi-node job (a job profile written by {@code gpumem merge}) set against its request: one comparison per node's
 * profile (each rank against the per-rank estimate), and the job-wide worst rank and spread over all of them.
 *
 * @param label what the job is called in tables (its job file's name)
 * @param nodes the node comparisons, in the job file's node order
 */
public record JobComparison(String label, List<Comparison> nodes) {
    public JobComparison {
        nodes = List.copyOf(nodes);
    }

    /** @return the worst rank and the run-wide peak spread over every rank of every node, if any node has ranks */
    public Optional<RankSpread> spread() {
        return RankSpread.ofJob(nodes);
    }
}
