package dev.gpumem.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gpumem.estimate.Component;
import dev.gpumem.estimate.Estimate;
import dev.gpumem.estimate.Estimate.AccelerateNumbers;
import dev.gpumem.estimate.Estimate.FitVerdict;
import dev.gpumem.estimate.Level;
import dev.gpumem.estimate.PhaseEstimate;
import dev.gpumem.estimate.Term;
import java.util.Map;

/**
 * The result contract of validation/REQUEST-SCHEMA.md: {@link Estimate} → one JSON object,
 * and the error object {@code {"id", "error"}} for a request that could not be estimated.
 *
 * <pre>
 * { "id", "params", "trainable_params",
 *   "peak":   { "allocated_bytes", "reserved_bytes", "device_bytes" },      each the max over phases at that level
 *   "phases": [ { "name", "allocated_bytes", "reserved_bytes", "device_bytes", "live_tensor_bytes",
 *                 "components": { one key per Component wire name, 0 when absent } } ],
 *   "gpu": { "name", "total_bytes", "fits", "headroom_bytes" }             only when the request named a gpu
 *   "accelerate": { "largest_layer_bytes", "total_bytes", "training_peak_bytes",   only with compat accelerate;
 *                   "stages": { "model", "gradient_calculation", "backward_pass", "optimizer_step" },
 *                   "left_out": [ ... ] }                                   null where accelerate prints N/A
 *   "host": { "host_bytes", "terms": [...] }                               only with offload (host memory)
 *   "notes": [ ... ] }
 * </pre>
 * With {@code terms = true} each phase also carries {@code "terms": [{name, component, bytes, formula, values,
 * source}]} (the --explain detail).
 */
public final class ResultJson {
    private final ObjectMapper mapper = new ObjectMapper();

    /** @return the result object */
    public ObjectNode toTree(Estimate e, boolean terms) {
        ObjectNode o = mapper.createObjectNode();
        o.put("id", e.config().id());
        o.put("params", e.params());
        o.put("trainable_params", e.trainableParams());
        ObjectNode peak = o.putObject("peak");
        peak.put("allocated_bytes", e.peak(Level.ALLOCATED).allocated());
        peak.put("reserved_bytes", e.peak(Level.RESERVED).reserved());
        peak.put("device_bytes", e.peak(Level.DEVICE).device());
        ArrayNode phases = o.putArray("phases");
        for (PhaseEstimate p : e.phases()) {
            ObjectNode ph = phases.addObject();
            ph.put("name", p.phase().wire());
            ph.put("allocated_bytes", p.allocated());
            ph.put("reserved_bytes", p.reserved());
            ph.put("device_bytes", p.device());
            ph.put("live_tensor_bytes", p.liveTensors());
            ObjectNode comps = ph.putObject("components");
            Map<Component, Long> m = p.components();
            for (Component c : Component.values()) {
                comps.put(c.wire(), m.getOrDefault(c, 0L));
            }
            if (terms) {
                putTerms(ph.putArray("terms"), p.terms());
            }
        }
        FitVerdict fit = e.fit();
        if (fit != null) {
            ObjectNode g = o.putObject("gpu");
            g.put("name", fit.gpu().name());
            g.put("total_bytes", fit.gpu().totalBytes());
            g.put("arch", fit.gpu().arch().wire());
            g.put("fits", fit.fits());
            g.put("headroom_bytes", fit.headroomBytes());
        }
        AccelerateNumbers a = e.accelerate();
        if (a != null) {
            ObjectNode acc = o.putObject("accelerate");
            acc.put("largest_layer_bytes", a.largestLayerBytes());
            acc.put("total_bytes", a.totalBytes());
            putOrNull(acc, "training_peak_bytes", a.trainingPeakBytes());
            ObjectNode st = acc.putObject("stages");
            putOrNull(st, "model", a.modelStage());
            putOrNull(st, "gradient_calculation", a.gradientStage());
            putOrNull(st, "backward_pass", a.backwardStage());
            putOrNull(st, "optimizer_step", a.optimizerStage());
            ArrayNode lo = acc.putArray("left_out");
            a.leftOut().forEach(lo::add);
        }
        if (!e.host().isEmpty()) {
            ObjectNode h = o.putObject("host");
            h.put("host_bytes", e.hostBytes());
            if (terms) {
                putTerms(h.putArray("terms"), e.host());
            }
        }
        ArrayNode notes = o.putArray("notes");
        e.notes().forEach(notes::add);
        return o;
    }

    /** @return the result as one line of JSON */
    public String toJson(Estimate e, boolean terms) {
        return write(toTree(e, terms));
    }

    /** @return the result pretty-printed (for {@code gpumem estimate --json}) */
    public String toPrettyJson(Estimate e, boolean terms) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(toTree(e, terms));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("writing a result", ex);
        }
    }

    /**
     * @param id      the request's id, or null when the line had none readable
     * @param line    1-based line number in the input, or 0 for a single request
     * @param message one sentence
     * @return {@code {"id": ..., "error": ..., "line": N}} as one line
     */
    public String error(String id, int line, String message) {
        ObjectNode o = mapper.createObjectNode();
        if (id == null) {
            o.putNull("id");
        } else {
            o.put("id", id);
        }
        o.put("error", message);
        if (line > 0) {
            o.put("line", line);
        }
        return write(o);
    }

    /** Writes any tree made of plain Java values (maps, lists, strings, numbers) as pretty JSON. */
    public String pretty(Object value) {
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("writing JSON", ex);
        }
    }

    private static void putTerms(ArrayNode ts, java.util.List<Term> terms) {
        for (Term t : terms) {
            ObjectNode tn = ts.addObject();
            tn.put("name", t.name());
            tn.put("component", t.component().wire());
            tn.put("bytes", t.bytes());
            tn.put("formula", t.formula());
            tn.put("values", t.values());
            tn.put("source", t.source().citation());
        }
    }

    private static void putOrNull(ObjectNode o, String key, long value) {
        if (value < 0) {
            o.putNull(key);
        } else {
            o.put(key, value);
        }
    }

    private String write(ObjectNode o) {
        try {
            return mapper.writeValueAsString(o);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("writing a result", ex);
        }
    }
}
