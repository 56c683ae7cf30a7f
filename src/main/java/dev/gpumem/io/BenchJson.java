package dev.gpumem.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The request lines {@code gpumem bench} times through {@code estimate --input}: every fifth an inference request
 * (bf16, KV cache for twice the sequence, on an h100-80gb), the others training requests cycling through four
 * precisions, four optimizers and three checkpointing modes (on an a100-80gb); batch 1..64, seq 128..8192.
 */
public final class BenchJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String[] PRECISIONS = {"amp-bf16", "bf16", "fp32", "amp-fp16"};
    private static final String[] OPTIMIZERS = {"adamw", "sgd", "adamw-8bit", "adafactor"};
    private static final String[] CHECKPOINTING = {"none", "full", "selective"};

    private BenchJson() {
    }

    /** @return {@code n} compact request lines for {@code model}, ids b0, b1, ... */
    public static List<String> requestLines(String model, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int batch = 1 + (i % 64);
            int seq = 128 << (i % 7);
            ObjectNode r = MAPPER.createObjectNode().put("id", "b" + i).put("model", model);
            if (i % 5 == 4) {
                r.put("task", "inference").put("precision", "bf16").put("batch", batch).put("seq", seq);
                r.putObject("inference").put("batch", batch).put("context_tokens", 2 * seq)
                        .put("kv_cache_dtype", "bf16");
                r.put("gpu", "h100-80gb");
            } else {
                r.put("task", "train").put("precision", PRECISIONS[i % 4]).put("optimizer", OPTIMIZERS[(i / 4) % 4])
                        .put("batch", batch).put("seq", seq).put("checkpointing", CHECKPOINTING[i % 3])
                        .put("gpu", "a100-80gb");
            }
            out.add(r.toString());
        }
        return out;
    }
}
