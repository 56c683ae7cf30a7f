package dev.gpumem.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpumem.compare.DeviceCalibration;
import dev.gpumem.estimate.GpuSpec;
import dev.gpumem.estimate.WireEnum;
import dev.gpumem.estimate.device.Calibration;
import dev.gpumem.input.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The calibration file, results/calibration/&lt;gpu-slug&gt;.json:
 * <pre>
 * { "schema_version": 1, "gpu": "NVIDIA H100 80GB HBM3", "gpu_slug": "nvidia-h100-80gb-hbm3", "arch": "hopper",
 *   "context_bytes": N, "workspace_bytes": N, "allocator_slack_factor": 1.25, "method": "...",
 *   "source_profiles": ["..."], "residuals": [ { "profile", "phase", "measured_bytes", "fitted_bytes",
 *   "residual_bytes" } ], "driver": "580.65.06", "tool_version": "0.1.0", "commit": "abc1234", "notes": [] }
 * </pre>
 * {@code residual_bytes} is written for readers and ignored when read (it is measured − fitted). An optional
 * {@code "nccl_communicator_bytes": N} (NCCL buffers of one communicator, device level) replaces the shipped default
 * ({@code DeviceDefaults.NCCL_COMMUNICATOR_BYTES}) for the estimator; no fit writes it yet.
 */
public final class CalibrationJson {
    public static final int SCHEMA_VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CalibrationJson() {
    }

    public static String toJson(DeviceCalibration c) {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("schema_version", SCHEMA_VERSION);
        o.put("gpu", c.gpuName());
        o.put("gpu_slug", c.gpuSlug());
        o.put("arch", c.arch().wire());
        o.put("context_bytes", c.contextBytes());
        o.put("workspace_bytes", c.workspaceBytes());
        o.put("allocator_slack_factor", c.allocatorSlackFactor());
        o.put("method", c.method());
        ArrayNode src = o.putArray("source_profiles");
        c.sourceProfiles().forEach(src::add);
        ArrayNode res = o.putArray("residuals");
        for (DeviceCalibration.Residual r : c.residuals()) {
            res.addObject().put("profile", r.profile()).put("phase", r.phase())
                    .put("measured_bytes", r.measuredBytes()).put("fitted_bytes", r.fittedBytes())
                    .put("residual_bytes", r.residualBytes());
        }
        o.put("driver", c.driverVersion());
        o.put("tool_version", c.toolVersion());
        o.put("commit", c.gitCommit());
        ArrayNode notes = o.putArray("notes");
        c.notes().forEach(notes::add);
        return ComparisonJson.write(o);
    }

    /**
     * @param origin file name or resource, for messages
     * @throws BadInputException one sentence naming the file and field
     */
    public static DeviceCalibration fromJson(String json, String origin) {
        JsonNode o;
        try {
            o = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new BadInputException(origin + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (o == null || !o.isObject()) {
            throw new BadInputException(origin + ": a calibration file is one JSON object");
        }
        int version = o.path("schema_version").asInt(-1);
        if (version != SCHEMA_VERSION) {
            throw new BadInputException(origin + ": schema_version must be " + SCHEMA_VERSION + ", got "
                    + o.path("schema_version"));
        }
        List<DeviceCalibration.Residual> residuals = new ArrayList<>();
        CheckedFields checked = new CheckedFields(origin);
        int i = 0;
        for (JsonNode r : o.path("residuals")) {
            String at = "residuals[" + i++ + "]";
            residuals.add(new DeviceCalibration.Residual(checked.text(r, "profile", at + ".profile"),
                    checked.text(r, "phase", at + ".phase"), checked.nonNegativeLong(r, "measured_bytes",
                            at + ".measured_bytes"), checked.nonNegativeLong(r, "fitted_bytes", at + ".fitted_bytes")));
        }
        try {
            return new DeviceCalibration(text(o, "gpu", origin), text(o, "gpu_slug", origin),
                    WireEnum.parse(GpuSpec.GpuArch.class, "arch", text(o, "arch", origin)),
                    integer(o, "context_bytes", origin), integer(o, "workspace_bytes", origin),
                    number(o, "allocator_slack_factor", origin), o.path("method").asText(""), strings(o, "source_profiles"),
                    residuals, o.path("driver").isTextual() ? o.get("driver").asText() : null,
                    o.path("tool_version").asText("unknown"), o.path("commit").asText("unknown"),
                    strings(o, "notes"));
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage().startsWith(origin) ? e.getMessage()
                    : origin + ": " + e.getMessage());
        }
    }

    /**
     * Reads a calibration file for {@code estimate --calibration FILE}, in the estimator's form.
     *
     * @throws BadInputException one sentence naming the file and field, or the file missing
     */
    public static Calibration readForEstimator(Path file) throws IOException {
        if (Files.isDirectory(file) || Files.exists(file) && !Files.isRegularFile(file)) {
            ProfileFiles.requireRegularFile(file, "--calibration");
        }
        try {
            String json = Files.readString(file);
            Calibration c = fromJson(json, file.toString()).toEstimatorCalibration();
            JsonNode nccl = MAPPER.readTree(json).path("nccl_communicator_bytes");
            if (nccl.isMissingNode()) {
                return c;
            }
            if (!nccl.canConvertToLong() || !nccl.isIntegralNumber() || nccl.asLong() < 0) {
                throw new BadInputException(file + ": nccl_communicator_bytes: expected bytes >= 0, got " + nccl);
            }
            return new Calibration(c.arch(), c.contextBytes(), c.workspaceBytes(), c.allocatorSlackFactor(),
                    c.source(), c.provenance() + "; NCCL buffers " + nccl.asLong() + " B a communicator from the file",
                    nccl.asLong());
        } catch (NoSuchFileException e) {
            throw new BadInputException("--calibration: no such file: " + file);
        }
    }

    private static String text(JsonNode o, String f, String origin) {
        if (!o.path(f).isTextual()) {
            throw new BadInputException(origin + ": " + f + " must be a string");
        }
        return o.get(f).asText();
    }

    private static long integer(JsonNode o, String f, String origin) {
        if (!o.path(f).isIntegralNumber() || !o.get(f).canConvertToLong()) {
            throw new BadInputException(origin + ": " + f + " must be an integer number of bytes");
        }
        if (o.get(f).asLong() < 0) {
            throw new BadInputException(origin + ": " + f + " must be >= 0, got " + o.get(f).asLong());
        }
        return o.get(f).asLong();
    }

    private static double number(JsonNode o, String f, String origin) {
        if (!o.path(f).isNumber() || !Double.isFinite(o.get(f).asDouble())) {
            throw new BadInputException(origin + ": " + f + " must be a number");
        }
        return o.get(f).asDouble();
    }

    private static List<String> strings(JsonNode o, String f) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : o.path(f)) {
            out.add(n.asText());
        }
        return out;
    }
}
