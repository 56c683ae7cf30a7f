package dev.gpumem.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gpumem.estimate.GpuPreset;
import dev.gpumem.estimate.GpuPresets;
import dev.gpumem.estimate.GpuSpec.GpuArch;
import dev.gpumem.estimate.WireEnum;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** Reads the shipped GPU presets from the classpath resource {@value #RESOURCE}. */
public final class GpuPresetsJson {
    /** classpath location of the presets file */
    public static final String RESOURCE = "/dev/gpumem/gpus.json";
    private static final long MIB = 1024L * 1024L;

    private GpuPresetsJson() {
    }

    /** @return the shipped presets */
    public static GpuPresets load() {
        try (InputStream in = GpuPresetsJson.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("GPU presets resource " + RESOURCE + " is missing from the jar");
            }
            return parse(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + RESOURCE, e);
        }
    }

    /** @return the presets as a pretty JSON array of {name, product, total_bytes, total_mib, arch, source} */
    public static String toJson(List<GpuPreset> presets) {
        ObjectMapper m = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ArrayNode arr = m.createArrayNode();
        for (GpuPreset p : presets) {
            arr.addObject().put("name", p.name()).put("product", p.product()).put("total_bytes", p.totalBytes())
                    .put("total_mib", p.totalBytes() / MIB).put("arch", p.arch().wire()).put("source", p.source());
        }
        try {
            return m.writerWithDefaultPrettyPrinter().writeValueAsString(arr);
        } catch (IOException e) {
            throw new UncheckedIOException("writing GPU presets", e);
        }
    }

    static GpuPresets parse(JsonNode root) {
        List<GpuPreset> out = new ArrayList<>();
        for (JsonNode g : root.path("gpus")) {
            String name = g.path("name").asText();
            long totalMib = g.path("total_mib").asLong();
            out.add(new GpuPreset(name, g.path("product").asText(), Math.multiplyExact(totalMib, MIB),
                    WireEnum.parse(GpuArch.class, "gpus.json " + name + ".arch", g.path("arch").asText()),
                    g.path("source").asText()));
        }
        return new GpuPresets(out);
    }
}
