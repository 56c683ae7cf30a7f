package dev.gpumem.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.Provenance;
import dev.gpumem.measure.RankReading;
import dev.gpumem.measure.RunPeak;
import dev.gpumem.measure.Reading;
import dev.gpumem.measure.RunEvent;
import dev.gpumem.measure.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link Profile} as JSON (snake_case keys, bytes as integers, absent figures as null, never 0). The samples go to
 * a CSV beside the JSON ({@link SamplesCsv}); the JSON names that file. A {@code summary} object holds the flat
 * {@code {level}.{phase}.{stat}} view ({@code device.forward.peak}, {@code allocated.backward.peak}, ...), derived
 * from the phases on writing and ignored on reading.
 */
public final class ProfileJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ProfileJson() {
    }

    /**
     * @param samplesFile the CSV's file name as written in the JSON (beside it), or null when none is written
     * @return the profile as pretty-printed JSON, ending with a newline
     */
    public static String toJson(Profile p, String samplesFile) {
        ObjectNode root = F.objectNode();
        root.put("schema_version", p.schemaVersion());
        root.set("provenance", provenance(p.provenance()));
        root.set("request", p.request() == null ? F.nullNode() : new RequestJson(GpuPresetsJson.load()).toTree(p.request()));
        if (p.command() == null) {
            root.putNull("command");
        } else {
            ArrayNode cmd = root.putArray("command");
            p.command().forEach(cmd::add);
        }
        root.set("baseline", reading(p.baseline()));
        root.set("marked_baseline", p.markedBaseline() == null ? F.nullNode() : reading(p.markedBaseline()));
        ArrayNode phases = root.putArray("phases");
        for (PhaseReading r : p.phases()) {
            phases.add(phase(r));
        }
        root.set("run_peak", runPeak(p.runPeak()));
        ArrayNode ranks = root.putArray("ranks");
        for (RankReading r : p.ranks()) {
            ranks.add(rank(r));
        }
        root.put("sample_rate_hz", Math.round(p.sampleRateHz() * 10) / 10.0);
        root.put("sample_count", p.samples().size());
        if (samplesFile == null) {
            root.putNull("samples_csv");
        } else {
            root.put("samples_csv", samplesFile);
        }
        ArrayNode events = root.putArray("events");
        for (RunEvent e : p.events()) {
            ObjectNode n = events.addObject();
            n.put("kind", e.kind().name().toLowerCase(Locale.ROOT));
            putNullable(n, "phase", e.phase());
            n.put("message", e.message());
            putNullable(n, "bytes", e.bytes());
        }
        root.set("summary", summary(p));
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("profile to JSON: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a profile; its samples come from {@code samples} (read by the caller from the CSV the JSON names).
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    public static Profile fromJson(String json, List<Sample> samples) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("profile: not valid JSON: " + e.getOriginalMessage());
        }
        int version = req(root, "schema_version").asInt();
        if (version != Profile.SCHEMA_VERSION) {
            throw new IllegalArgumentException("schema_version: " + version + " is not supported; accepted: "
                    + Profile.SCHEMA_VERSION);
        }
        JsonNode req = root.path("request");
        RunConfig request = req.isMissingNode() || req.isNull() ? null
                : new RequestJson(GpuPresetsJson.load()).fromMap(MAPPER.convertValue(req,
                        new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Object>>() { }));
        List<String> command = null;
        if (root.path("command").isArray()) {
            command = new ArrayList<>();
            for (JsonNode c : root.get("command")) {
                command.add(c.asText());
            }
        }
        List<PhaseReading> phases = new ArrayList<>();
        for (JsonNode n : req(root, "phases")) {
            phases.add(phase(n));
        }
        List<RunEvent> events = new ArrayList<>();
        for (JsonNode n : req(root, "events")) {
            events.add(new RunEvent(RunEvent.Kind.valueOf(req(n, "kind").asText().toUpperCase(Locale.ROOT)),
                    text(n, "phase"), req(n, "message").asText(), longOrNull(n, "bytes")));
        }
        // marked_baseline and ranks are newer than schema 1's first files: absent there, read as none
        JsonNode marked = root.path("marked_baseline");
        List<RankReading> ranks = new ArrayList<>();
        for (JsonNode n : root.path("ranks")) {
            ranks.add(rank(n));
        }
        return new Profile(version, provenance(req(root, "provenance")), request, command,
                reading(req(root, "baseline")), marked.isMissingNode() || marked.isNull() ? null : reading(marked),
                phases, samples, req(root, "sample_rate_hz").asDouble(), events, ranks);
    }

    private static ObjectNode provenance(Provenance p) {
        ObjectNode n = F.objectNode();
        n.put("tool_version", p.toolVersion());
        n.put("git_commit", p.gitCommit());
        n.put("host", p.host());
        n.put("started_at", p.startedAt());
        n.put("runner", p.runner());
        n.put("java_version", p.javaVersion());
        n.put("test_double", p.testDouble());
        DeviceInfo d = p.device();
        ObjectNode dev = n.putObject("device");
        dev.put("kind", d.kind().name().toLowerCase(Locale.ROOT));
        dev.put("name", d.name());
        putNullable(dev, "uuid", d.uuid());
        dev.put("total_bytes", d.totalBytes());
        putNullable(dev, "driver_version", d.driverVersion());
        putNullable(dev, "cuda_driver_version", d.cudaDriverVersion());
        putNullable(dev, "cuda_runtime_version", d.cudaRuntimeVersion());
        putNullable(dev, "nvml_version", d.nvmlVersion());
        return n;
    }

    private static Provenance provenance(JsonNode n) {
        JsonNode d = req(n, "device");
        DeviceInfo device = new DeviceInfo(DeviceInfo.Kind.valueOf(req(d, "kind").asText().toUpperCase(Locale.ROOT)),
                req(d, "name").asText(), text(d, "uuid"), req(d, "total_bytes").asLong(), text(d, "driver_version"),
                text(d, "cuda_driver_version"), text(d, "cuda_runtime_version"), text(d, "nvml_version"));
        return new Provenance(req(n, "tool_version").asText(), text(n, "git_commit"), text(n, "host"),
                text(n, "started_at"), req(n, "runner").asText(), device, text(n, "java_version"));
    }

    private static ObjectNode reading(Reading r) {
        ObjectNode n = F.objectNode();
        n.put("t_ns", r.tNanos());
        n.put("device_used", r.deviceUsed());
        putNullable(n, "device_used_v1", r.deviceUsedV1());
        putNullable(n, "device_reserved", r.deviceReserved());
        putNullable(n, "process_used", r.processUsed());
        putNullable(n, "framework_allocated", r.frameworkAllocated());
        putNullable(n, "framework_reserved", r.frameworkReserved());
        return n;
    }

    private static Reading reading(JsonNode n) {
        return new Reading(req(n, "t_ns").asLong(), req(n, "device_used").asLong(), longOrNull(n, "device_used_v1"),
                longOrNull(n, "device_reserved"), longOrNull(n, "process_used"),
                longOrNull(n, "framework_allocated"), longOrNull(n, "framework_reserved"));
    }

    private static ObjectNode phase(PhaseReading r) {
        ObjectNode n = F.objectNode();
        n.put("phase", r.phase());
        n.set("start", reading(r.start()));
        n.set("end", reading(r.end()));
        n.put("peak_device", r.peakDevice());
        putNullable(n, "peak_process", r.peakProcess());
        n.put("peak_kind", r.peakKind().name().toLowerCase(Locale.ROOT));
        putNullable(n, "peak_allocated", r.peakAllocated());
        putNullable(n, "peak_reserved", r.peakReserved());
        n.put("samples", r.samples());
        return n;
    }

    private static PhaseReading phase(JsonNode n) {
        return new PhaseReading(req(n, "phase").asText(), reading(req(n, "start")), reading(req(n, "end")),
                req(n, "peak_device").asLong(), longOrNull(n, "peak_process"),
                PhaseReading.PeakKind.valueOf(req(n, "peak_kind").asText().toUpperCase(Locale.ROOT)),
                longOrNull(n, "peak_allocated"), longOrNull(n, "peak_reserved"), req(n, "samples").asInt());
    }

    private static ObjectNode runPeak(RunPeak r) {
        ObjectNode n = F.objectNode();
        n.put("device", r.device());
        putNullable(n, "process", r.process());
        putNullable(n, "allocated", r.allocated());
        putNullable(n, "reserved", r.reserved());
        return n;
    }

    private static RunPeak runPeak(JsonNode n) {
        return new RunPeak(req(n, "device").asLong(), longOrNull(n, "process"), longOrNull(n, "allocated"),
                longOrNull(n, "reserved"));
    }

    private static ObjectNode rank(RankReading r) {
        ObjectNode n = F.objectNode();
        n.put("rank", r.rank());
        n.put("pid", r.pid());
        n.set("baseline", reading(r.baseline()));
        n.set("marked_baseline", r.markedBaseline() == null ? F.nullNode() : reading(r.markedBaseline()));
        ArrayNode phases = n.putArray("phases");
        r.phases().forEach(p -> phases.add(phase(p)));
        n.set("peak", runPeak(r.peak()));
        n.put("samples", r.samples());
        return n;
    }

    private static RankReading rank(JsonNode n) {
        List<PhaseReading> phases = new ArrayList<>();
        for (JsonNode p : req(n, "phases")) {
            phases.add(phase(p));
        }
        JsonNode marked = n.path("marked_baseline");
        return new RankReading(req(n, "rank").asInt(), req(n, "pid").asLong(), reading(req(n, "baseline")),
                marked.isMissingNode() || marked.isNull() ? null : reading(marked), phases, runPeak(req(n, "peak")),
                req(n, "samples").asInt());
    }

    /** The flat view: {@code {level}.{phase}.{stat}} for every figure a phase has. */
    private static ObjectNode summary(Profile p) {
        ObjectNode n = F.objectNode();
        n.put("device.baseline.used", p.baseline().deviceUsed());
        if (p.markedBaseline() != null) {
            n.put("device.marked_baseline.used", p.markedBaseline().deviceUsed());
        }
        RunPeak run = p.runPeak();
        n.put("device.whole_run.peak", run.device());
        putNullable(n, "process.whole_run.peak", run.process());
        putNullable(n, "allocated.whole_run.peak", run.allocated());
        putNullable(n, "reserved.whole_run.peak", run.reserved());
        for (PhaseReading r : p.phases()) {
            String ph = r.phase();
            n.put("device." + ph + ".start", r.start().deviceUsed());
            n.put("device." + ph + ".end", r.end().deviceUsed());
            n.put("device." + ph + ".peak", r.peakDevice());
            putNullable(n, "process." + ph + ".peak", r.peakProcess());
            putNullable(n, "allocated." + ph + ".peak", r.peakAllocated());
            putNullable(n, "reserved." + ph + ".peak", r.peakReserved());
        }
        return n;
    }

    private static JsonNode req(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("profile: missing field '" + field + "'");
        }
        return v;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Long longOrNull(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asLong();
    }

    private static void putNullable(ObjectNode n, String field, String v) {
        if (v == null) {
            n.putNull(field);
        } else {
            n.put(field, v);
        }
    }

    private static void putNullable(ObjectNode n, String field, Long v) {
        if (v == null) {
            n.putNull(field);
        } else {
            n.put(field, v);
        }
    }
}
