package dev.gpumem.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpumem.input.BadInputException;
import dev.gpumem.measure.JobProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A job profile ({@link JobProfile}, {@code gpumem merge}) as JSON: {@code job_schema_version}, the request, the
 * nodes (host, profile file, start time by the node's clock, clock offset to the earliest node, run peak), every
 * rank (as in a profile's {@code ranks}, plus {@code host}) and every GPU (as in a profile's {@code devices}, plus
 * {@code host}). Written atomically.
 */
public final class JobProfileJson {
    /** version of this document's layout */
    public static final int JOB_SCHEMA_VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private JobProfileJson() {
    }

    /** @return the job profile as pretty-printed JSON, ending with a newline */
    public static String toJson(JobProfile job) {
        ObjectNode root = F.objectNode();
        root.put("job_schema_version", JOB_SCHEMA_VERSION);
        root.set("request", job.request() == null ? F.nullNode()
                : new RequestJson(GpuPresetsJson.load()).toTree(job.request()));
        root.put("clock_offsets", "each node's start by its own clock minus the earliest node's; gpumem synchronises "
                + "no clocks, so an offset is launcher skew and clock difference together");
        ArrayNode nodes = root.putArray("nodes");
        for (JobProfile.Node n : job.nodes()) {
            ObjectNode o = nodes.addObject();
            o.put("host", n.host());
            o.put("profile", n.file());
            o.put("started_at", n.startedAt());
            o.put("clock_offset_ms", n.clockOffsetMs());
            o.set("run_peak", ProfileJson.runPeak(n.runPeak()));
        }
        ArrayNode ranks = root.putArray("ranks");
        for (JobProfile.JobRank r : job.ranks()) {
            ObjectNode o = F.objectNode();
            o.put("host", r.host());
            o.setAll(ProfileJson.rank(r.rank()));
            ranks.add(o);
        }
        ArrayNode devices = root.putArray("devices");
        for (JobProfile.JobDevice d : job.devices()) {
            ObjectNode o = F.objectNode();
            o.put("host", d.host());
            o.setAll(ProfileJson.deviceReading(d.device()));
            devices.add(o);
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return true when {@code file} is a gpumem profile (its top level has schema_version and provenance) */
    public static boolean isProfile(Path file) {
        try {
            JsonNode n = MAPPER.readTree(Files.readString(file));
            return n != null && n.isObject() && n.has("schema_version") && n.has("provenance");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** @return true when {@code file} is a job profile (its top level has job_schema_version and nodes) */
    public static boolean isJob(Path file) {
        try {
            JsonNode n = MAPPER.readTree(Files.readString(file));
            return n != null && n.isObject() && n.has("job_schema_version") && n.path("nodes").isArray();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * @return the node profiles a job profile names, resolved against the job file's folder (merge writes them
     *         relative to it), in the job's node order
     * @throws BadInputException when the file is not a job profile of a known layout, names no node,
     *         or a node's profile entry is missing
     */
    public static List<Path> nodeProfiles(Path job) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readString(job));
        } catch (JsonProcessingException e) {
            throw new BadInputException(job + ": cannot read the job profile's JSON: "
                    + e.getOriginalMessage());
        }
        int version = root.path("job_schema_version").asInt(-1);
        if (version != JOB_SCHEMA_VERSION) {
            throw new BadInputException(job + ": job_schema_version " + root.path("job_schema_version")
                    + " is not " + JOB_SCHEMA_VERSION + " (written by another gpumem version)");
        }
        Path folder = job.toAbsolutePath().getParent();
        List<Path> out = new ArrayList<>();
        for (JsonNode n : root.path("nodes")) {
            String name = n.path("profile").asText("");
            if (name.isEmpty()) {
                throw new BadInputException(job + ": a node has no \"profile\" file name");
            }
            out.add(folder.resolve(name).normalize());
        }
        if (out.isEmpty()) {
            throw new BadInputException(job + ": the job profile names no node");
        }
        return out;
    }

    /** Writes the job profile to {@code file} atomically (a reader sees the old file or the whole new one). */
    public static void write(JobProfile job, Path file) throws IOException {
        AtomicFiles.writeString(file, toJson(job));
    }
}
