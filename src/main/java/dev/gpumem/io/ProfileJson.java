package dev.gpumem.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpumem.estimate.RunConfig;
import dev.gpumem.input.BadInputException;
import dev.gpumem.measure.DeviceInfo;
import dev.gpumem.measure.PhaseReading;
import dev.gpumem.measure.Profile;
import dev.gpumem.measure.Provenance;
import dev.gpumem.measure.DeviceReading;
import dev.gpumem.measure.NonTorchMemory;
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
        ArrayNode devices = root.putArray("devices");
        p.devices().forEach(d -> devices.add(deviceReading(d)));
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
     * @throws BadInputException naming the field that is missing or wrong
     */
    public static Profile fromJson(String json, List<Sample> samples) {
        return fromJson("profile", json, samples);
    }

    /**
     * Reads a profile, every number checked: bytes, nanoseconds and counts are non-negative JSON integers within
     * range, the sample rate a finite number.
     *
     * @param origin the file the JSON came from, first in every message
     * @throws BadInputException "{@code <origin>: <field>: <what is wrong>}"
     */
    public static Profile fromJson(String origin, String json, List<Sample> samples) {
        CheckedFields f = new CheckedFields(origin);
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new BadInputException(origin + ": not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadInputException(origin + ": a profile is one JSON object");
        }
        long version = f.nonNegativeLong(root, "schema_version", "schema_version");
        if (version != Profile.SCHEMA_VERSION) {
            throw f.bad("schema_version", version + " is not supported; accepted: " + Profile.SCHEMA_VERSION);
        }
        JsonNode req = root.path("request");
        RunConfig request;
        try {
            request = req.isMissingNode() || req.isNull() ? null
                    : new RequestJson(GpuPresetsJson.load()).fromMap(MAPPER.convertValue(req,
                            new com.fasterxml.jackson.core.type.TypeReference<java.util.Map<String, Object>>() { }));
        } catch (BadInputException e) {
            throw f.bad("request", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw f.bad("request", "expected a request object, got " + req.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        List<String> command = null;
        if (root.path("command").isArray()) {
            command = new ArrayList<>();
            for (JsonNode c : root.get("command")) {
                command.add(c.asText());
            }
        }
        List<PhaseReading> phases = new ArrayList<>();
        int i = 0;
        for (JsonNode n : array(f, root, "phases")) {
            phases.add(phase(f, n, "phases[" + i++ + "]"));
        }
        List<RunEvent> events = new ArrayList<>();
        i = 0;
        for (JsonNode n : array(f, root, "events")) {
            String at = "events[" + i++ + "]";
            events.add(new RunEvent(f.constant(n, "kind", at + ".kind", RunEvent.Kind.class),
                    f.textOrNull(n, "phase", at + ".phase"), f.text(n, "message", at + ".message"),
                    f.nonNegativeLongOrNull(n, "bytes", at + ".bytes")));
        }
        // marked_baseline and ranks are newer than schema 1's first files: absent there, read as none
        JsonNode marked = root.path("marked_baseline");
        List<RankReading> ranks = new ArrayList<>();
        JsonNode rankNodes = root.path("ranks");
        if (!rankNodes.isMissingNode() && !rankNodes.isNull()) {
            i = 0;
            for (JsonNode n : array(f, root, "ranks")) {
                ranks.add(rank(f, n, "ranks[" + i++ + "]"));
            }
        }
        // devices is newer still: absent = none
        List<DeviceReading> devices = new ArrayList<>();
        JsonNode deviceNodes = root.path("devices");
        if (!deviceNodes.isMissingNode() && !deviceNodes.isNull()) {
            i = 0;
            for (JsonNode n : array(f, root, "devices")) {
                devices.add(deviceReading(f, n, "devices[" + i++ + "]"));
            }
        }
        return new Profile((int) version, provenance(f, f.required(root, "provenance", "provenance")), request,
                command, reading(f, f.required(root, "baseline", "baseline"), "baseline"),
                marked.isMissingNode() || marked.isNull() ? null : reading(f, marked, "marked_baseline"),
                phases, samples, f.nonNegativeNumber(root, "sample_rate_hz", "sample_rate_hz"), events, ranks,
                devices);
    }

    private static JsonNode array(CheckedFields f, JsonNode o, String key) {
        return array(f, o, key, key);
    }

    /** @param path where {@code key} sits in the file, for the message ({@code ranks[0].phases}) */
    private static JsonNode array(CheckedFields f, JsonNode o, String key, String path) {
        JsonNode v = f.required(o, key, path);
        if (!v.isArray()) {
            throw f.bad(path, "must be an array");
        }
        return v;
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

    private static Provenance provenance(CheckedFields f, JsonNode n) {
        JsonNode d = f.required(n, "device", "provenance.device");
        String p = "provenance.device.";
        DeviceInfo device = new DeviceInfo(f.constant(d, "kind", p + "kind", DeviceInfo.Kind.class),
                f.text(d, "name", p + "name"), f.textOrNull(d, "uuid", p + "uuid"),
                f.nonNegativeLong(d, "total_bytes", p + "total_bytes"), f.textOrNull(d, "driver_version",
                        p + "driver_version"), f.textOrNull(d, "cuda_driver_version", p + "cuda_driver_version"),
                f.textOrNull(d, "cuda_runtime_version", p + "cuda_runtime_version"),
                f.textOrNull(d, "nvml_version", p + "nvml_version"));
        return new Provenance(f.text(n, "tool_version", "provenance.tool_version"),
                f.textOrNull(n, "git_commit", "provenance.git_commit"), f.textOrNull(n, "host", "provenance.host"),
                f.textOrNull(n, "started_at", "provenance.started_at"), f.text(n, "runner", "provenance.runner"),
                device, f.textOrNull(n, "java_version", "provenance.java_version"));
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

    private static Reading reading(CheckedFields f, JsonNode n, String at) {
        return new Reading(f.nonNegativeLong(n, "t_ns", at + ".t_ns"),
                f.nonNegativeLong(n, "device_used", at + ".device_used"),
                f.nonNegativeLongOrNull(n, "device_used_v1", at + ".device_used_v1"),
                f.nonNegativeLongOrNull(n, "device_reserved", at + ".device_reserved"),
                f.nonNegativeLongOrNull(n, "process_used", at + ".process_used"),
                f.nonNegativeLongOrNull(n, "framework_allocated", at + ".framework_allocated"),
                f.nonNegativeLongOrNull(n, "framework_reserved", at + ".framework_reserved"));
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

    private static PhaseReading phase(CheckedFields f, JsonNode n, String at) {
        return new PhaseReading(f.text(n, "phase", at + ".phase"),
                reading(f, f.required(n, "start", at + ".start"), at + ".start"),
                reading(f, f.required(n, "end", at + ".end"), at + ".end"),
                f.nonNegativeLong(n, "peak_device", at + ".peak_device"),
                f.nonNegativeLongOrNull(n, "peak_process", at + ".peak_process"),
                f.constant(n, "peak_kind", at + ".peak_kind", PhaseReading.PeakKind.class),
                f.nonNegativeLongOrNull(n, "peak_allocated", at + ".peak_allocated"),
                f.nonNegativeLongOrNull(n, "peak_reserved", at + ".peak_reserved"),
                f.count(n, "samples", at + ".samples"));
    }

    static ObjectNode runPeak(RunPeak r) {
        ObjectNode n = F.objectNode();
        n.put("device", r.device());
        putNullable(n, "process", r.process());
        putNullable(n, "allocated", r.allocated());
        putNullable(n, "reserved", r.reserved());
        return n;
    }

    private static RunPeak runPeak(CheckedFields f, JsonNode n, String at) {
        return new RunPeak(f.nonNegativeLong(n, "device", at + ".device"),
                f.nonNegativeLongOrNull(n, "process", at + ".process"),
                f.nonNegativeLongOrNull(n, "allocated", at + ".allocated"),
                f.nonNegativeLongOrNull(n, "reserved", at + ".reserved"));
    }

    static ObjectNode rank(RankReading r) {
        ObjectNode n = F.objectNode();
        n.put("rank", r.rank());
        n.put("pid", r.pid());
        n.set("baseline", reading(r.baseline()));
        n.set("marked_baseline", r.markedBaseline() == null ? F.nullNode() : reading(r.markedBaseline()));
        ArrayNode phases = n.putArray("phases");
        r.phases().forEach(p -> phases.add(phase(p)));
        n.set("peak", runPeak(r.peak()));
        n.put("samples", r.samples());
        if (r.device() == null) {
            n.putNull("device");
        } else {
            n.put("device", r.device());
        }
        // derived (process used - torch reserved per phase end); written for readers, recomputed on reading
        ArrayNode nonTorch = n.putArray("non_torch");
        for (NonTorchMemory m : r.nonTorch()) {
            ObjectNode e = nonTorch.addObject();
            e.put("phase", m.phase());
            e.put("bytes", m.bytes());
        }
        return n;
    }

    static ObjectNode deviceReading(DeviceReading d) {
        ObjectNode n = F.objectNode();
        n.put("index", d.index());
        if (d.uuid() == null) {
            n.putNull("uuid");
        } else {
            n.put("uuid", d.uuid());
        }
        n.put("name", d.name());
        n.put("total_bytes", d.totalBytes());
        n.put("peak_used", d.peakUsed());
        putNullable(n, "peak_reserved", d.peakReserved());
        putNullable(n, "peak_watched", d.peakWatched());
        return n;
    }

    private static DeviceReading deviceReading(CheckedFields f, JsonNode n, String at) {
        return new DeviceReading(f.count(n, "index", at + ".index"), f.textOrNull(n, "uuid", at + ".uuid"),
                f.text(n, "name", at + ".name"), f.nonNegativeLong(n, "total_bytes", at + ".total_bytes"),
                f.nonNegativeLong(n, "peak_used", at + ".peak_used"),
                f.nonNegativeLongOrNull(n, "peak_reserved", at + ".peak_reserved"),
                f.nonNegativeLongOrNull(n, "peak_watched", at + ".peak_watched"));
    }

    private static RankReading rank(CheckedFields f, JsonNode n, String at) {
        List<PhaseReading> phases = new ArrayList<>();
        int i = 0;
        for (JsonNode p : array(f, n, "phases", at + ".phases")) {
            phases.add(phase(f, p, at + ".phases[" + i++ + "]"));
        }
        JsonNode marked = n.path("marked_baseline");
        return new RankReading(f.count(n, "rank", at + ".rank"), f.nonNegativeLong(n, "pid", at + ".pid"),
                reading(f, f.required(n, "baseline", at + ".baseline"), at + ".baseline"),
                marked.isMissingNode() || marked.isNull() ? null : reading(f, marked, at + ".marked_baseline"),
                phases, runPeak(f, f.required(n, "peak", at + ".peak"), at + ".peak"),
                f.count(n, "samples", at + ".samples"),
                n.path("device").isMissingNode() || n.path("device").isNull() ? null
                        : f.count(n, "device", at + ".device"));
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
