package dev.gpumem.measure;

import dev.gpumem.estimate.RunConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One multi-node job, joined from the per-node profiles its gpumem processes wrote (one gpumem per node, e.g. under
 * {@code srun --ntasks-per-node=1}): every node, every rank and every GPU, each named by its node.
 *
 * @param request the request every node ran, or null when none had one
 * @param nodes   the nodes, by host name
 * @param ranks   every rank of the job, by rank
 * @param devices every GPU of the job, by node and index
 */
public record JobProfile(RunConfig request, List<Node> nodes, List<JobRank> ranks, List<JobDevice> devices) {
    public JobProfile {
        nodes = List.copyOf(nodes);
        ranks = List.copyOf(ranks);
        devices = List.copyOf(devices);
    }

    /**
     * @param host          the node's host name (its profile's provenance)
     * @param file          the node's profile file, as given
     * @param startedAt     when the node's gpumem started, by the node's own clock (ISO-8601 UTC)
     * @param clockOffsetMs the node's start minus the earliest node's start, ms: what the nodes' clocks said, which
     *                      folds the launcher's start skew and any clock difference together (no clock was synchronised
     *                      by gpumem)
     * @param runPeak       the node's run-wide peak (device level: every sampled GPU of the node summed)
     */
    public record Node(String host, String file, String startedAt, long clockOffsetMs, RunPeak runPeak) {
    }

    /** @param host the node the rank ran on */
    public record JobRank(String host, RankReading rank) {
    }

    /** @param host the node the GPU is in */
    public record JobDevice(String host, DeviceReading device) {
    }

    /** A node's profile and the file it came from. */
    public record NodeProfile(String file, Profile profile) {
    }

    /** Two nodes' profiles that cannot be one job: the message is one line. */
    public static final class MismatchException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MismatchException(String message) {
            super(message);
        }
    }

    /**
     * Joins per-node profiles into one job.
     *
     * @throws MismatchException when the nodes ran different requests, a rank appears on two nodes, or there is none
     */
    public static JobProfile join(List<NodeProfile> parts) {
        if (parts.isEmpty()) {
            throw new MismatchException("no profiles to merge");
        }
        List<NodeProfile> sorted = new ArrayList<>(parts);
        sorted.sort(Comparator.comparing((NodeProfile p) -> p.profile().provenance().host())
                .thenComparing(NodeProfile::file));
        NodeProfile first = sorted.get(0);
        RunConfig request = first.profile().request();
        for (NodeProfile p : sorted) {
            if (!Objects.equals(request, p.profile().request())) {
                throw new MismatchException("mixed requests: " + first.file() + " and " + p.file()
                        + " ran different requests; merge the profiles of one job only");
            }
        }
        Instant earliest = sorted.stream().map(p -> Instant.parse(p.profile().provenance().startedAt()))
                .min(Comparator.naturalOrder()).orElseThrow();
        List<Node> nodes = new ArrayList<>();
        List<JobRank> ranks = new ArrayList<>();
        List<JobDevice> devices = new ArrayList<>();
        Map<Integer, String> rankFile = new HashMap<>();
        for (NodeProfile p : sorted) {
            Provenance prov = p.profile().provenance();
            nodes.add(new Node(prov.host(), p.file(), prov.startedAt(),
                    Duration.between(earliest, Instant.parse(prov.startedAt())).toMillis(), p.profile().runPeak()));
            for (RankReading r : p.profile().ranks()) {
                String before = rankFile.putIfAbsent(r.rank(), p.file());
                if (before != null) {
                    throw new MismatchException("rank " + r.rank() + " is in both " + before + " and " + p.file()
                            + "; merge the profiles of one job only");
                }
                ranks.add(new JobRank(prov.host(), r));
            }
            for (DeviceReading d : p.profile().devices()) {
                devices.add(new JobDevice(prov.host(), d));
            }
        }
        ranks.sort(Comparator.comparingInt(r -> r.rank().rank()));
        return new JobProfile(request, nodes, ranks, devices);
    }
}
